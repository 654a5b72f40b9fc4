using System.Security.Cryptography;
using System.Text;
using NSec.Cryptography;

namespace AgentFlow.Engine.Identity;

/// <summary>Hashes and verifies passwords. Implementations must be safe to share between threads.</summary>
public interface IPasswordHasher
{
    string Hash(string password);

    PasswordVerification Verify(string password, string? encodedHash);
}

public enum PasswordVerification
{
    Failed,
    Success,

    /// <summary>The password is right but was hashed with weaker parameters than today's: store a new hash.</summary>
    SuccessRehashNeeded,
}

/// <summary>
/// Argon2id (libsodium through NSec) with the OWASP minimum (19 MiB, 2 passes, 1 lane), encoded in the PHC
/// string format <c>$argon2id$v=19$m=19456,t=2,p=1$salt$hash</c> so parameters can be raised later and old
/// hashes still verify.
/// </summary>
internal sealed class Argon2PasswordHasher : IPasswordHasher
{
    private const int SaltBytes = 16;
    private const int HashBytes = 32;
    private const string Prefix = "$argon2id$v=19$";

    // Bounds on what a stored hash may ask for: far above anything this hasher writes, low enough that a corrupt or
    // planted row cannot make one login allocate gigabytes or run for hours.
    private const int MaxMemoryKib = 1024 * 1024;
    private const int MaxPasses = 16;

    private readonly Argon2Parameters _parameters;
    private readonly PasswordBasedKeyDerivationAlgorithm _algorithm;

    public Argon2PasswordHasher(int memoryKib = 19456, int passes = 2)
    {
        _parameters = new Argon2Parameters { DegreeOfParallelism = 1, MemorySize = memoryKib, NumberOfPasses = passes };
        _algorithm = PasswordBasedKeyDerivationAlgorithm.Argon2id(_parameters);
    }

    public string Hash(string password)
    {
        ArgumentNullException.ThrowIfNull(password);
        var salt = RandomNumberGenerator.GetBytes(SaltBytes);
        var hash = _algorithm.DeriveBytes(Encoding.UTF8.GetBytes(password), salt, HashBytes);
        return $"{Prefix}m={_parameters.MemorySize},t={_parameters.NumberOfPasses},p=1${B64(salt)}${B64(hash)}";
    }

    public PasswordVerification Verify(string password, string? encodedHash)
    {
        ArgumentNullException.ThrowIfNull(password);
        if (!TryParse(encodedHash, out var memory, out var passes, out var salt, out var expected))
        {
            return PasswordVerification.Failed;
        }

        var algorithm = memory == _parameters.MemorySize && passes == _parameters.NumberOfPasses
            ? _algorithm
            : PasswordBasedKeyDerivationAlgorithm.Argon2id(new Argon2Parameters { DegreeOfParallelism = 1, MemorySize = memory, NumberOfPasses = passes });
        byte[] actual;
        try
        {
            actual = algorithm.DeriveBytes(Encoding.UTF8.GetBytes(password), salt, expected.Length);
        }
        catch (CryptographicException)
        {
            // libsodium refused the parameters or could not allocate: the hash cannot match.
            return PasswordVerification.Failed;
        }

        if (!CryptographicOperations.FixedTimeEquals(actual, expected))
        {
            return PasswordVerification.Failed;
        }

        return memory < _parameters.MemorySize || passes < _parameters.NumberOfPasses
            ? PasswordVerification.SuccessRehashNeeded
            : PasswordVerification.Success;
    }

    private static bool TryParse(string? encoded, out int memory, out int passes, out byte[] salt, out byte[] hash)
    {
        memory = passes = 0;
        salt = hash = [];
        if (encoded is null || !encoded.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return false;
        }

        var parts = encoded[Prefix.Length..].Split('$');
        if (parts.Length != 3)
        {
            return false;
        }

        foreach (var parameter in parts[0].Split(','))
        {
            var pair = parameter.Split('=');
            if (pair.Length != 2 || !int.TryParse(pair[1], out var value))
            {
                return false;
            }

            switch (pair[0])
            {
                case "m": memory = value; break;
                case "t": passes = value; break;
                case "p" when value == 1: break;
                default: return false;
            }
        }

        try
        {
            salt = FromB64(parts[1]);
            hash = FromB64(parts[2]);
        }
        catch (FormatException)
        {
            return false;
        }

        return memory is >= 8 and <= MaxMemoryKib && passes is >= 1 and <= MaxPasses && salt.Length == SaltBytes && hash.Length is >= 16 and <= 64;
    }

    // PHC strings use standard base64 without padding.
    private static string B64(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=');

    private static byte[] FromB64(string text) => Convert.FromBase64String(text.PadRight(text.Length + ((4 - (text.Length % 4)) % 4), '='));
}
