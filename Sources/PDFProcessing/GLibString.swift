import CPoppler

/// Takes ownership of a `gchar*` poppler returned: its text, then `g_free`.
enum GLibString {
    static func take(_ pointer: UnsafeMutablePointer<gchar>?) -> String? {
        guard let pointer else { return nil }
        defer { g_free(pointer) }
        let text = String(cString: pointer)
        return text.isEmpty ? nil : text
    }
}
