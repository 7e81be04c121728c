/// Always returns the credential it was created with.
public struct StaticCredentialProvider: CredentialProvider {
    public let name: String
    private let value: ACSCredential

    public init(_ credential: ACSCredential) {
        self.value = credential
        self.name = credential.providerName
    }

    public func credential() async throws -> ACSCredential { value }
}
