using AgentFlow.Engine.Tenancy;

namespace AgentFlow.Host.Auth;

/// <summary>Puts the caller's organisation into the request scope; every org-owned query is filtered by it.</summary>
internal sealed class TenantMiddleware(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext context, ScopedTenantContext tenant)
    {
        if (context.User.Identity?.IsAuthenticated == true)
        {
            tenant.Use(context.User.OrgId());
        }

        return next(context);
    }
}
