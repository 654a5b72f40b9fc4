using System.Text.RegularExpressions;
using AgentFlow.Engine.Identity;

namespace AgentFlow.Engine.Tests.Identity;

public sealed partial class Argon2PasswordHasherTests
{
    private const string Password = "correct-horse-battery";

    // One hasher for the class: it is documented as safe to share between threads.
    private static readonly Argon2PasswordHasher Hasher = new();

    [Fact]
    public void Hash_DefaultParameters_IsPhcArgon2idWithOwaspMinimum()
    {
        var hash = Hasher.Hash(Password);

        // 16-byte salt and 32-byte hash in unpadded standard base64: 22 and 43 characters.
        Assert.Matches(PhcFormat(), hash);
        Assert.StartsWith("$argon2id$v=19$m=19456,t=2,p=1$", hash, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_RightPassword_ReturnsSuccess()
    {
        var hash = Hasher.Hash(Password);

        Assert.Equal(PasswordVerification.Success, Hasher.Verify(Password, hash));
    }

    [Theory]
    [InlineData("correct-horse-batterY")]
    [InlineData("correct-horse-battery ")]
    [InlineData("")]
    [InlineData("wrong")]
    public void Verify_WrongPassword_ReturnsFailed(string attempt)
    {
        var hash = Hasher.Hash(Password);

        Assert.Equal(PasswordVerification.Failed, Hasher.Verify(attempt, hash));
    }

    [Fact]
    public void Hash_SamePasswordTwice_DiffersBySalt()
    {
        var first = Hasher.Hash(Password);
        var second = Hasher.Hash(Password);

        Assert.NotEqual(first, second);
        Assert.NotEqual(first.Split('$')[4], second.Split('$')[4]);
        Assert.Equal(PasswordVerification.Success, Hasher.Verify(Password, first));
        Assert.Equal(PasswordVerification.Success, Hasher.Verify(Password, second));
    }

    [Fact]
    public void Verify_HashPartTampered_ReturnsFailed()
    {
        var hash = Hasher.Hash(Password);
        var parts = hash.Split('$');
        parts[5] = FlipFirstCharacter(parts[5]);

        Assert.Equal(PasswordVerification.Failed, Hasher.Verify(Password, string.Join('$', parts)));
    }

    [Fact]
    public void Verify_SaltTampered_ReturnsFailed()
    {
        var hash = Hasher.Hash(Password);
        var parts = hash.Split('$');
        parts[4] = FlipFirstCharacter(parts[4]);

        Assert.Equal(PasswordVerification.Failed, Hasher.Verify(Password, string.Join('$', parts)));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("not a hash")]
    [InlineData("$argon2id$")]
    [InlineData("$argon2id$v=19$")]
    [InlineData("$argon2id$v=19$m=19456,t=2,p=1$")]
    [InlineData("$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA")]
    [InlineData("$argon2id$v=19$m=19456,t=2,p=1$!!!!notbase64!!!!!!!!!$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW")]
    [InlineData("pbkdf2-sha256$29000$N2ZsbmRmamQ$wYdmiqcMzlrxCbNAQB0hxvLDi9i8y2v9J2Wg2sm1EoE")]
    public void Verify_GarbageHash_ReturnsFailedWithoutThrowing(string? encoded)
    {
        Assert.Equal(PasswordVerification.Failed, Hasher.Verify(Password, encoded));
    }

    [Theory]
    [InlineData("$argon2i$v=19$")]
    [InlineData("$argon2d$v=19$")]
    [InlineData("$argon2id$v=16$")]
    [InlineData("$ARGON2ID$v=19$")]
    public void Verify_WrongPrefixOnValidHash_ReturnsFailed(string prefix)
    {
        var hash = Hasher.Hash(Password);
        var tampered = prefix + hash["$argon2id$v=19$".Length..];

        Assert.Equal(PasswordVerification.Failed, Hasher.Verify(Password, tampered));
    }

    [Theory]
    [InlineData("m=19456,t=2,p=2")]
    [InlineData("m=19456,t=2,p=1,x=3")]
    [InlineData("m=4,t=2,p=1")]
    [InlineData("m=19456,t=0,p=1")]
    [InlineData("m=abc,t=2,p=1")]
    [InlineData("m=19456;t=2;p=1")]
    public void Verify_InvalidParameters_ReturnsFailed(string parameters)
    {
        var parts = Hasher.Hash(Password).Split('$');
        parts[3] = parameters;

        Assert.Equal(PasswordVerification.Failed, Hasher.Verify(Password, string.Join('$', parts)));
    }

    // A corrupt or planted row must not make a login throw, allocate gigabytes or run for hours.
    [Theory]
    [InlineData("m=2147483647,t=2,p=1")]
    [InlineData("m=4194304,t=2,p=1")]
    [InlineData("m=19456,t=2147483647,p=1")]
    [InlineData("m=19456,t=1000,p=1")]
    [InlineData("m=-19456,t=2,p=1")]
    public void Verify_AbsurdParameters_ReturnsFailedWithoutThrowing(string parameters)
    {
        var parts = Hasher.Hash(Password).Split('$');
        parts[3] = parameters;

        Assert.Equal(PasswordVerification.Failed, Hasher.Verify(Password, string.Join('$', parts)));
    }

    [Fact]
    public void Verify_HashMadeWithWeakerParameters_ReturnsSuccessRehashNeeded()
    {
        var weak = new Argon2PasswordHasher(memoryKib: 8192, passes: 1).Hash(Password);

        Assert.StartsWith("$argon2id$v=19$m=8192,t=1,p=1$", weak, StringComparison.Ordinal);
        Assert.Equal(PasswordVerification.SuccessRehashNeeded, Hasher.Verify(Password, weak));
    }

    [Fact]
    public void Verify_HashMadeWithWeakerParametersAndWrongPassword_ReturnsFailed()
    {
        var weak = new Argon2PasswordHasher(memoryKib: 8192, passes: 1).Hash(Password);

        Assert.Equal(PasswordVerification.Failed, Hasher.Verify("wrong-password", weak));
    }

    [Fact]
    public void Verify_HashMadeWithStrongerParameters_ReturnsSuccess()
    {
        var strong = Hasher.Hash(Password);

        Assert.Equal(PasswordVerification.Success, new Argon2PasswordHasher(memoryKib: 8192, passes: 1).Verify(Password, strong));
    }

    [Theory]
    [InlineData("pässwörd-Ünïcödé")]
    [InlineData("пароль-надёжный")]
    [InlineData("密码密码密码密码")]
    [InlineData("🔐🔑 emoji passphrase 🚀")]
    public void Verify_UnicodePassword_RoundTrips(string password)
    {
        var hash = Hasher.Hash(password);

        Assert.Equal(PasswordVerification.Success, Hasher.Verify(password, hash));
        Assert.Equal(PasswordVerification.Failed, Hasher.Verify(password + "x", hash));
    }

    [Fact]
    public void Verify_UnicodePasswordWithOneCharacterChanged_ReturnsFailed()
    {
        var hash = Hasher.Hash("пароль-надёжный");

        Assert.Equal(PasswordVerification.Failed, Hasher.Verify("пароль-надежный", hash));
    }

    [Fact]
    public void Hash_NullPassword_ThrowsArgumentNullException()
    {
        Assert.Throws<ArgumentNullException>(() => Hasher.Hash(null!));
    }

    private static string FlipFirstCharacter(string base64) => (base64[0] == 'A' ? 'B' : 'A') + base64[1..];

    [GeneratedRegex(@"^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$", RegexOptions.CultureInvariant)]
    private static partial Regex PhcFormat();
}
