using AgentFlow.Studio.Api;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AgentFlow.Studio.Session;

/// <summary>
/// An open tab keeps its circuit long after the request that opened it, so the user it started with is re-checked
/// every <see cref="StudioOptions.SessionRevalidationInterval"/>: once the token has expired, or the session was
/// signed out elsewhere, or the user was removed, the tab goes back to the sign-in page.
/// </summary>
internal sealed class StudioAuthenticationStateProvider(
    ILoggerFactory loggerFactory, StudioSession session, IHttpClientFactory clients, IOptions<StudioOptions> options, TimeProvider time)
    : RevalidatingServerAuthenticationStateProvider(loggerFactory)
{
    protected override TimeSpan RevalidationInterval => options.Value.SessionRevalidationInterval;

    protected override async Task<bool> ValidateAuthenticationStateAsync(AuthenticationState authenticationState, CancellationToken cancellationToken)
    {
        if (authenticationState.User.Identity?.IsAuthenticated != true || !session.IsStarted
            || session.Parameters.ExpiresAt <= time.GetUtcNow())
        {
            return false;
        }

        var api = new StudioApiClient(clients.CreateClient(StudioServiceCollectionExtensions.ApiClientName), session);
        try
        {
            await api.GetTextAsync("auth/me", cancellationToken);
            return true;
        }
        catch (StudioApiException exception) when (exception.Status == System.Net.HttpStatusCode.Unauthorized)
        {
            return false;
        }
        catch (HttpRequestException)
        {
            // The API could not be reached this time: keep the user; the next check decides.
            return true;
        }
    }
}
