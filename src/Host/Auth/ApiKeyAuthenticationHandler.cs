using System.Text.Encodings.Web;
using AgentFlow.Engine.Identity;
using AgentFlow.Host.Errors;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace AgentFlow.Host.Auth;

/// <summary>Authenticates <c>X-API-Key: ek_…</c> as the key's creator, with the role its scopes allow.</summary>
internal sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    CredentialResolver credentials)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var presented = Request.Headers[AuthHeaders.ApiKey].ToString();
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
}
