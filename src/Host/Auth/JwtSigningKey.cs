using System.Security.Cryptography;
using System.Text;
using AgentFlow.Engine.Persistence;
using AgentFlow.Host.Options;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace AgentFlow.Host.Auth;

/// <summary>
/// The HS256 key: the configured secret, or one generated on first start and kept in the data folder
/// (owner-only permissions), so tokens survive restarts without any configuration.
/// </summary>
internal sealed class JwtSigningKey
{
    private const string FileName = "jwt-secret";

    public JwtSigningKey(IOptions<JwtOptions> jwt, IOptions<DataDirectoryOptions> data)
    {
        var secret = jwt.Value.Secret ?? LoadOrCreate(data.Value.ResolvedPath);
        Key = new SymmetricSecurityKey(Encoding.UTF8.GetBytes(secret)) { KeyId = "agentflow-hs256" };
    }

    public SymmetricSecurityKey Key { get; }

    private static string LoadOrCreate(string directory)
    {
        var path = Path.Combine(directory, FileName);
        if (File.Exists(path))
        {
            return File.ReadAllText(path).Trim();
        }

        Directory.CreateDirectory(directory);
        var secret = Convert.ToBase64String(RandomNumberGenerator.GetBytes(64));
        try
        {
            // CreateNew: if another process won the race, use its secret instead of overwriting it.
            using var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None);
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }

            stream.Write(Encoding.UTF8.GetBytes(secret));
            return secret;
        }
        catch (IOException) when (File.Exists(path))
        {
            return File.ReadAllText(path).Trim();
        }
    }
}
