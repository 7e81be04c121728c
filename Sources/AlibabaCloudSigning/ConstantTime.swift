/// Compares two strings in time that depends only on their lengths, not on where they first differ.
///
/// For verifiers comparing a received signature with the expected one.
public func constantTimeEquals(_ a: String, _ b: String) -> Bool {
    let left = Array(a.utf8)
    let right = Array(b.utf8)
    var difference = UInt8(truncatingIfNeeded: left.count ^ right.count)
    if left.count != right.count { difference |= 1 }
    let count = min(left.count, right.count)
    for index in 0..<count {
        difference |= left[index] ^ right[index]
    }
    return difference == 0
}
