import ArgumentParser
import Foundation

/// One clear line on stderr and exit status 1, for failures the user can act on.
struct CommandFailure: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}

extension CommandFailure: LocalizedError {
    var errorDescription: String? { message }
}
