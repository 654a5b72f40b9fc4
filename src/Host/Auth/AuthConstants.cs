namespace AgentFlow.Host.Auth;

internal static class AuthSchemes
{
    /// <summary>Picks <see cref="ApiKey"/> when an <c>X-API-Key</c> header is present, <see cref="Bearer"/> otherwise.</summary>
    public const string Selector = "AgentFlow";
    public const string Bearer = "Bearer";
    public const string ApiKey = "ApiKey";
}

internal static class AgentFlowClaims
{
    public const string Subject = "sub";
    public const string Email = "email";
    public const string Name = "name";
    public const string Role = "role";
    public const string OrgId = "org";
    public const string SessionId = "sid";
    public const string Csrf = "csrf";

    /// <summary>Always <c>access</c> on access tokens; anything else is refused.</summary>
    public const string TokenUse = "token_use";
    public const string ApiKeyId = "key_id";

    /// <summary>Only on the principal of an agent-bound API key.</summary>
    public const string AgentId = "agent_id";
    public const string AuthMethod = "amr";
}

internal static class AuthCookieNames
{
    public const string Session = "em_session";
    public const string Refresh = "em_refresh";
    public const string Csrf = "em_csrf";
}

internal static class AuthHeaders
{
    public const string ApiKey = "X-API-Key";
    public const string Csrf = "X-CSRF-Token";
}

/// <summary>Why authentication failed, left in <see cref="HttpContext.Items"/> for the 401 body.</summary>
internal static class AuthFailure
{
    private const string Key = "agentflow.auth-failure";
    private const string CookieKey = "agentflow.auth-via-cookie";

    public static void Set(HttpContext context, string code, string message) => context.Items[Key] = (code, message);

    public static (string Code, string Message)? Get(HttpContext context) => context.Items.TryGetValue(Key, out var value) ? ((string, string))value! : null;

    public static void MarkCookie(HttpContext context) => context.Items[CookieKey] = true;

    public static bool ViaCookie(HttpContext context) => context.Items.ContainsKey(CookieKey);
}
