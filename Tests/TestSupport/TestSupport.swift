/// What the tests share.
public enum TestSupportPlaceholder {}
