import Foundation

/// The user's home directory as the official SDKs and the aliyun CLI find it: `$HOME` first (a container or CI job
/// sets it), then the account's passwd entry. Credentials, the aliyun config, the history database and rollback
/// files all start from here.
public enum HomeDirectory {
    public static func path(environment: [String: String]) -> String {
        if let home = environment["HOME"], !home.isEmpty { return home }
        return FileManager.default.homeDirectoryForCurrentUser.path
    }
}
