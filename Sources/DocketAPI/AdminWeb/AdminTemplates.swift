import DocketCore
import Foundation
import Mustache

/// The dashboard's Mustache templates (Resources/templates), parsed once.
/// docket-api checks them at start (`APIServer.checkResources`), so a
/// broken bundle stops the process there with one line rather than failing
/// pages later; a page that still meets one answers 500.
enum AdminTemplates {
    static let loaded: Result<MustacheLibrary, DocketError> = Result {
        var library = MustacheLibrary()
        guard let folder = Bundle.module.url(forResource: "templates", withExtension: nil) else {
            throw DocketError(.internal, "internal error", logDetail: "docket-api's templates are missing from its resource bundle")
        }
        for name in try FileManager.default.contentsOfDirectory(atPath: folder.path) where name.hasSuffix(".mustache") {
            let text = try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
            do {
                try library.register(text, named: String(name.dropLast(".mustache".count)))
            } catch {
                throw DocketError(.internal, "internal error", logDetail: "template \(name) does not parse: \(error)")
            }
        }
        return library
    }.mapError { $0 as? DocketError ?? DocketError(.internal, "internal error", logDetail: "templates unreadable: \($0)") }

    static func render(_ view: Any, _ name: String) throws -> String {
        guard let html = try loaded.get().render(view, withTemplate: name) else {
            throw DocketError(.internal, "internal error", logDetail: "no template named \(name)")
        }
        return html
    }
}
