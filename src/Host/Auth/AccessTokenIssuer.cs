using System.Security.Claims;
using System.Security.Cryptography;
using AgentFlow.Engine.Identity;
using AgentFlow.Host.Options;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace AgentFlow.Host.Auth;

internal sealed record AccessToken(string Token, string Csrf, DateTimeOffset ExpiresAt);

/// <summary>Signs access tokens: HS256, claims sub/email/role/org, the session (refresh family) id and a CSRF value.</summary>
internal sealed class AccessTokenIssuer(JwtSigningKey key, IOptions<JwtOptions> options, TimeProvider time)
{
    private readonly JsonWebTokenHandler _handler = new() { SetDefaultTimesOnTokenCreation = false };

    public AccessToken Issue(User user, Guid sessionId)
    {
        var now = time.GetUtcNow();
        var expires = now + options.Value.AccessTokenLifetime;
        var csrf = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = options.Value.Issuer,
            Audience = options.Value.Audience,
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = expires.UtcDateTime,
            SigningCredentials = new SigningCredentials(key.Key, SecurityAlgorithms.HmacSha256),
            Subject = new ClaimsIdentity(
            [
                new Claim(AgentFlowClaims.Subject, user.Id.ToString()),
                new Claim(AgentFlowClaims.Email, user.Email),
                new Claim(AgentFlowClaims.Role, user.Role.ToName()),
                new Claim(AgentFlowClaims.OrgId, user.OrgId.ToString()),
                new Claim(AgentFlowClaims.SessionId, sessionId.ToString()),
                new Claim(AgentFlowClaims.Csrf, csrf),
                new Claim(AgentFlowClaims.TokenUse, "access"),
            ]),
        };
        return new AccessToken(_handler.CreateToken(descriptor), csrf, expires);
    }

    public TokenValidationParameters ValidationParameters() => new()
    {
        ValidIssuer = options.Value.Issuer,
        ValidAudience = options.Value.Audience,
        IssuerSigningKey = key.Key,
        ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
        ValidateIssuer = true,
        ValidateAudience = true,
        ValidateLifetime = true,
        ValidateIssuerSigningKey = true,
        RequireExpirationTime = true,
        ClockSkew = TimeSpan.FromSeconds(30),
        NameClaimType = AgentFlowClaims.Subject,
        RoleClaimType = AgentFlowClaims.Role,
    };
}
