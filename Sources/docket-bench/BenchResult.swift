/// One `RESULT` line: a Docket figure, its peer's, and their ratio.
struct BenchResult {
    let bench: String
    let figure: String
    let unit: String
    let docket: Double
    let peer: Double?
    let peerName: String?

    /// `RESULT bench=redis figure=sequential unit=ops_per_s docket=… peer=… peer_name=… ratio=…`
    var line: String {
        var fields = [
            "bench=\(bench)", "figure=\(figure)", "unit=\(unit)", "docket=\(format(docket))",
        ]
        if let peer, let peerName {
            fields += ["peer=\(format(peer))", "peer_name=\(peerName)", "ratio=\(String(format: "%.2f", docket / peer))"]
        }
        return "RESULT " + fields.joined(separator: " ")
    }

    func print() { Swift.print(line) }

    private func format(_ value: Double) -> String { String(format: "%.0f", value) }
}
