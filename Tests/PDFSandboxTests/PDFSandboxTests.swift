import DocketCore
import DocketTesting
import Foundation
import PDFProcessing
@testable import PDFSandbox
import Synchronization
import Testing

@Suite struct PDFSandboxTests {
    static func sandbox(_ limits: SandboxLimits = SandboxLimits(), children: Int = 2) throws -> PDFSandbox {
        let executable = try BuiltProducts.executable("docket-pdf-sandbox").path
        return PDFSandbox(configuration: .init(executable: executable, limits: limits, children: children))
    }

    @Test func infoAndPagesComeBackFromTheChild() async throws {
        let folder = try PDFFixtures.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/three.pdf"
        PDFFixtures.make(path, pages: [(612, 792), (842, 595), (200, 300)], title: "Report", author: "Ada")
        let sandbox = try Self.sandbox()
        defer { Task { await sandbox.shutdown() } }
        let info = try await sandbox.info(path: path)
        #expect(info.pageCount == 3)
        #expect(info.pages.map { [$0.widthPt, $0.heightPt] } == [[612, 792], [842, 595], [200, 300]])
        #expect(info.title == "Report" && info.author == "Ada")
        #expect(try await sandbox.pageCount(path: path) == 3)
        let cover = try await sandbox.render(path: path, page: 1, box: (300, 400))
        #expect(cover.width == 300 && cover.height == 388)
        #expect(Array(cover.jpeg.prefix(2)) == [0xFF, 0xD8])
        let seen = Mutex<[Int: (Int, Int)]>([:])
        try await sandbox.render(path: path, pages: [1, 2, 3], box: (300, 400)) { page, image in
            seen.withLock { $0[page] = (image.width, image.height) }
        }
        let sizes = seen.withLock { $0 }
        #expect(sizes.keys.sorted() == [1, 2, 3])
        #expect(sizes[2]! == (300, 212) && sizes[3]! == (267, 400), "\(sizes)")
    }

    @Test func theChildIsConfined() async throws {
        let limits = SandboxLimits(memoryBytes: 768 << 20, cpuSeconds: 7)
        let sandbox = try Self.sandbox(limits, children: 1)
        defer { Task { await sandbox.shutdown() } }
        let check = try await sandbox.selfCheck()
        #expect(check.memoryLimit == 768 << 20)
        #expect(check.socketErrno == EACCES, "socket() must be refused, got errno \(check.socketErrno)")
        #expect(check.extraDescriptors == 0)
        #expect(check.cpuLimit >= 7 && check.cpuLimit < 60, "\(check.cpuLimit)")
    }

    @Test func brokenFilesFailWithTheirCodesAndTheChildGoesOn() async throws {
        let folder = try PDFFixtures.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try PDFFixtures.zeroPages(folder + "/empty.pdf")
        try "not a pdf".write(toFile: folder + "/text.pdf", atomically: true, encoding: .utf8)
        PDFFixtures.make(folder + "/good.pdf", pages: [(100, 100)])
        let sandbox = try Self.sandbox(children: 1)
        defer { Task { await sandbox.shutdown() } }
        for name in ["empty.pdf", "text.pdf"] {
            let error = await #expect(throws: PDFError.self) { try await sandbox.info(path: folder + "/" + name) }
            #expect(error?.code == .pdfInvalid, "\(name): \(String(describing: error))")
            let counting = await #expect(throws: PDFError.self) { try await sandbox.pageCount(path: folder + "/" + name) }
            #expect(counting?.code == .pdfInvalid, "\(name): \(String(describing: counting))")
        }
        let tooMany = await #expect(throws: PDFError.self) {
            try await sandbox.render(path: folder + "/good.pdf", page: 1, box: (5000, 5000))
        }
        #expect(tooMany?.code == .pdfResourceLimit)
        #expect(try await sandbox.info(path: folder + "/good.pdf").pageCount == 1)
    }

    @Test func aRenderBombIsKilledAndTheNextFileIsServed() async throws {
        let folder = try PDFFixtures.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try await PDFFixtures.renderBomb(folder + "/bomb.pdf", segments: 3_000_000)
        PDFFixtures.make(folder + "/good.pdf", pages: [(612, 792)])
        // The wall clock also covers the replacement child's start and its
        // first render: 2 s was too little when CI ran every suite at once
        // on two cores. The bomb runs far longer than 5 s.
        let sandbox = try Self.sandbox(SandboxLimits(wallClock: .seconds(5)), children: 1)
        defer { Task { await sandbox.shutdown() } }
        let started = ContinuousClock.now
        let error = await #expect(throws: PDFError.self) {
            try await sandbox.render(path: folder + "/bomb.pdf", page: 1, box: (300, 400))
        }
        #expect(error?.code == .pdfTimeout || error?.code == .pdfResourceLimit, "\(String(describing: error))")
        #expect(ContinuousClock.now - started < .seconds(20))
        let cover = try await sandbox.render(path: folder + "/good.pdf", page: 1, box: (300, 400))
        #expect(cover.width == 300)
    }

    @Test func aChildOutOfCPUIsATimeout() async throws {
        let folder = try PDFFixtures.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try await PDFFixtures.renderBomb(folder + "/bomb.pdf", segments: 3_000_000)
        let sandbox = try Self.sandbox(SandboxLimits(cpuSeconds: 1, wallClock: .seconds(60)), children: 1)
        defer { Task { await sandbox.shutdown() } }
        let error = await #expect(throws: PDFError.self) {
            try await sandbox.render(path: folder + "/bomb.pdf", page: 1, box: (300, 400))
        }
        #expect(error?.code == .pdfTimeout, "\(String(describing: error))")
    }

    @Test func anImageTooBigForTheMemoryLimitIsAResourceLimit() async throws {
        let folder = try PDFFixtures.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        PDFFixtures.make(folder + "/good.pdf", pages: [(612, 792)])
        // 9000×11647 pixels need 400 MiB: over a 256 MiB address space.
        let sandbox = try Self.sandbox(SandboxLimits(memoryBytes: 256 << 20, maxPixels: 200_000_000), children: 1)
        defer { Task { await sandbox.shutdown() } }
        let error = await #expect(throws: PDFError.self) {
            try await sandbox.render(path: folder + "/good.pdf", page: 1, box: (9000, 12000))
        }
        #expect(error?.code == .pdfResourceLimit, "\(String(describing: error))")
        #expect(try await sandbox.render(path: folder + "/good.pdf", page: 1, box: (300, 400)).width == 300)
    }
}
