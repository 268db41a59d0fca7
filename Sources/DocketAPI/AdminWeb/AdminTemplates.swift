import Foundation
import Mustache

/// The dashboard's Mustache templates (Resources/templates), parsed once.
/// A template that does not parse stops the process at start: it ships
/// inside the binary's bundle, so that is a build defect, caught by tests.
enum AdminTemplates {
    static let library: MustacheLibrary = {
        var library = MustacheLibrary()
        guard let folder = Bundle.module.url(forResource: "templates", withExtension: nil),
              let names = try? FileManager.default.contentsOfDirectory(atPath: folder.path)
        else { fatalError("docket-api's templates are missing from its resource bundle") }
        for name in names where name.hasSuffix(".mustache") {
            do {
                let text = try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
                try library.register(text, named: String(name.dropLast(".mustache".count)))
            } catch {
                fatalError("template \(name) does not parse: \(error)")
            }
        }
        return library
    }()

    static func render(_ view: Any, _ name: String) -> String {
        guard let html = library.render(view, withTemplate: name) else { fatalError("no template named \(name)") }
        return html
    }
}
