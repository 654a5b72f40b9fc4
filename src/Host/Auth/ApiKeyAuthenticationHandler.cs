using System.Text.Encodings.Web;
using AgentFlow.Engine.Identity;
using AgentFlow.Host.Errors;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace AgentFlow.Host.Auth;

/// <summary>
/// Authenticates <c>X-API-Key: ek_…</c> (or <c>Authorization: Bearer ek_…</c>, which agent runtimes send) as the
/// key's creator, with the role its scopes allow.
/// </summary>
internal sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    CredentialResolver credentials)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var presented = PresentedKey(Request);
        if (string.IsNullOrEmpty(presented))
        {
            return AuthenticateResult.NoResult();
        }

        var caller = await credentials.ResolveApiKeyAsync(presented.Trim(), Context.RequestAborted);
        if (caller is null)
        {
            AuthFailure.Set(Context, ErrorCodes.InvalidApiKey, "Invalid, expired or revoked API key.");
            return AuthenticateResult.Fail("Invalid API key.");
        }

        return AuthenticateResult.Success(new AuthenticationTicket(CallerPrincipal.Create(caller, AuthSchemes.ApiKey), AuthSchemes.ApiKey));
    }

    /// <summary>Whether the request carries an API key rather than a JWT; decides which scheme authenticates it.</summary>
    public static bool CarriesApiKey(HttpRequest request) => !string.IsNullOrEmpty(PresentedKey(request));

    private static string PresentedKey(HttpRequest request)
    {
        var header = request.Headers[AuthHeaders.ApiKey].ToString();
        if (!string.IsNullOrEmpty(header))
        {
            return header;
        }

        var authorization = request.Headers.Authorization.ToString();
        return authorization.StartsWith("Bearer " + SecretTokens.ApiKeyPrefix, StringComparison.Ordinal) ? authorization["Bearer ".Length..] : string.Empty;
    }
}
