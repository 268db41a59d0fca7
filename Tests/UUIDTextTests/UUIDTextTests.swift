import Foundation
import Testing
import UUIDText

@Suite struct UUIDTextTests {
    @Test func formatsAndParsesLikeFoundationForManyIds() {
        for _ in 0..<1000 {
            let id = UUID()
            #expect(id.lowercasedString == id.uuidString.lowercased())
            #expect(UUID(text: id.lowercasedString) == id)
            #expect(UUID(text: id.uuidString) == id)
        }
    }

    @Test func edgeValuesRoundTrip() {
        for text in ["00000000-0000-0000-0000-000000000000", "ffffffff-ffff-ffff-ffff-ffffffffffff", "01a2023d-c1f7-7398-9ea9-777b52b3b562"] {
            #expect(UUID(text: text)?.lowercasedString == text)
        }
    }

    @Test(arguments: [
        "", "01a2023d-c1f7-7398-9ea9-777b52b3b56", "01a2023d-c1f7-7398-9ea9-777b52b3b5622",
        "01a2023dxc1f7-7398-9ea9-777b52b3b562", "01a2023d-c1f7-7398-9ea9-777b52b3b56g", "{1a2023d-c1f7-7398-9ea9-777b52b3b562",
    ])
    func malformedTextIsRefused(_ text: String) {
        #expect(UUID(text: text) == nil)
    }

    /// Postgres orders uuid values by bytes, which is the order of their
    /// lowercase text; the batch statements lock rows in that order.
    @Test func byteOrderIsTheOrderOfTheText() {
        let ids = (0..<2000).map { _ in UUID() } + [UUID(text: "00000000-0000-0000-0000-000000000000")!]
        let byBytes = ids.sorted { $0.precedesInByteOrder($1) }
        #expect(byBytes.map(\.lowercasedString) == ids.map(\.lowercasedString).sorted())
        #expect(!ids[0].precedesInByteOrder(ids[0]))
    }
}
