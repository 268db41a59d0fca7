/// Writes Postgres array literals (`{1,2,3}`, `{"a","b\"c",NULL}`).
enum PostgresArrayLiteral {
    static func bind(_ elements: [String], quoted: Bool, typeOID: UInt32) -> PostgresBind {
        var literal = "{"
        literal.reserveCapacity(elements.count * 8 + 2)
        for (index, element) in elements.enumerated() {
            if index > 0 { literal.append(",") }
            if quoted { appendQuoted(element, to: &literal) } else { literal.append(element) }
        }
        literal.append("}")
        return PostgresBind(text: literal, typeOID: typeOID)
    }

    static func bind(_ elements: [String?], typeOID: UInt32) -> PostgresBind {
        var literal = "{"
        for (index, element) in elements.enumerated() {
            if index > 0 { literal.append(",") }
            if let element { appendQuoted(element, to: &literal) } else { literal.append("NULL") }
        }
        literal.append("}")
        return PostgresBind(text: literal, typeOID: typeOID)
    }

    private static func appendQuoted(_ element: String, to literal: inout String) {
        literal.append("\"")
        for character in element.unicodeScalars {
            if character == "\"" || character == "\\" { literal.append("\\") }
            literal.unicodeScalars.append(character)
        }
        literal.append("\"")
    }
}
