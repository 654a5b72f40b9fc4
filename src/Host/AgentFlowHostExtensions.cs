using System.Net;
using System.Text.Json.Serialization;
using AgentFlow.Engine.Persistence;
using AgentFlow.Engine.Approvals;
using AgentFlow.Host.Approvals;
using AgentFlow.Engine.Deployment;
using AgentFlow.Engine.Lifecycle;
using AgentFlow.Host.Auth;
using AgentFlow.Host.Deployment;
using AgentFlow.Host.Endpoints.Admin;
using AgentFlow.Host.Endpoints.Auth;
using AgentFlow.Host.Endpoints.Engine;
using AgentFlow.Host.Endpoints.Health;
using AgentFlow.Host.Endpoints.Plugins;
using AgentFlow.Host.Endpoints.Workflows;
using AgentFlow.Host.Errors;
using AgentFlow.Host.Middleware;
using AgentFlow.Host.Options;
using AgentFlow.Host.RateLimiting;
using AgentFlow.Host.Startup;
using AgentFlow.Host.Studio;
using AgentFlow.Studio;
using AgentFlow.Studio.Session;
using Microsoft.AspNetCore.DataProtection;
using AgentFlow.Host.Plugins;
using AgentFlow.Plugins;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Scalar.AspNetCore;
using HttpOptions = AgentFlow.Host.Options.HttpOptions;

namespace AgentFlow.Host;

/// <summary>The composition root: Program only calls these two.</summary>
internal static class AgentFlowHostExtensions
{
    /// <summary>The file `setup` writes, read from the working directory; environment variables and arguments still win.</summary>
    public const string SetupConfigurationFile = "agentflow.json";

    public static WebApplicationBuilder AddAgentFlowHost(this WebApplicationBuilder builder)
    {
        builder.Configuration.InsertSetupFile(Directory.GetCurrentDirectory());
        var services = builder.Services;
        var configuration = builder.Configuration;
        // Hosted services start in registration order: plugins load first (the workflows seeded below may use their
        // activities), and the database must be migrated before the Engine's background jobs make their first pass.
        AddPlugins(services, configuration, builder.Environment.ContentRootPath);
        services.AddHostedService<DatabaseInitializer>();
        services.AddAgentFlowPersistence(configuration);
        services.AddAgentFlowWorkflows(configuration, PlatformPersistence.WorkflowDatabase(configuration));
        // After DatabaseInitializer (registered first): seeding needs the migrated tables and the organisations.
        services.AddSingleton<WorkflowOrgSeeding>();
        services.AddHostedService<WorkflowSeedingService>();
        AddApprovals(services);

        services.AddOptions<HttpOptions>().Bind(configuration.GetSection(HttpOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<RateLimitOptions>().Bind(configuration.GetSection(RateLimitOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<JwtOptions>().Bind(configuration.GetSection(JwtOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<Options.CookieOptions>().Bind(configuration.GetSection(Options.CookieOptions.SectionName));
        services.AddOptions<BootstrapOptions>().Bind(configuration.GetSection(BootstrapOptions.SectionName));

        var http = configuration.GetSection(HttpOptions.SectionName).Get<HttpOptions>() ?? new HttpOptions();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Limits.MaxRequestBodySize = http.MaxRequestBodyBytes;
            kestrel.AddServerHeader = false;
        });

        services.ConfigureHttpJsonOptions(json =>
        {
            json.SerializerOptions.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
            json.SerializerOptions.DefaultIgnoreCondition = JsonIgnoreCondition.Never;
            json.SerializerOptions.MaxDepth = 32;
        });
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.AddProblemDetails(o => o.CustomizeProblemDetails = c => c.ProblemDetails.Extensions["requestId"] = c.HttpContext.TraceIdentifier);
        services.AddExceptionHandler<ApiExceptionHandler>();

        services.Configure<ForwardedHeadersOptions>(o => ConfigureForwardedHeaders(o, http.TrustedProxies));
        services.AddCors(o => o.AddDefaultPolicy(policy =>
        {
            if (http.CorsOrigins.Length > 0)
            {
                policy.WithOrigins(http.CorsOrigins).AllowCredentials()
                    .WithHeaders("Content-Type", "Authorization", AuthHeaders.ApiKey, RequestIdMiddleware.HeaderName, AuthHeaders.Csrf)
                    .WithMethods("GET", "POST", "PUT", "PATCH", "DELETE")
                    .WithExposedHeaders(RequestIdMiddleware.HeaderName, "X-RateLimit-Limit", "X-RateLimit-Remaining", "Retry-After");
            }
        }));

        services.AddSingleton<ClientRateLimiter>();
        services.AddSingleton<OrganizationRateLimiter>();
        services.AddRateLimiter(_ => { });
        services.AddSingleton<IConfigureOptions<Microsoft.AspNetCore.RateLimiting.RateLimiterOptions>, ConfigureRateLimiter>();

        services.AddSingleton<JwtSigningKey>();
        services.AddSingleton<AccessTokenIssuer>();
        services.AddSingleton<JwtBearerEventHandlers>();
        services.AddScoped<SessionIssuer>();
        services.AddScoped<AuditContext>();
        services.AddAuthentication(AuthSchemes.Selector)
            .AddPolicyScheme(AuthSchemes.Selector, "API key or bearer token", o =>
                o.ForwardDefaultSelector = context => ApiKeyAuthenticationHandler.CarriesApiKey(context.Request) ? AuthSchemes.ApiKey : AuthSchemes.Bearer)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(AuthSchemes.ApiKey, _ => { })
            .AddJwtBearer(AuthSchemes.Bearer, _ => { });
        services.AddSingleton<IConfigureOptions<JwtBearerOptions>, ConfigureJwtBearer>();
        services.AddAuthorizationBuilder().AddRolePolicies();
        services.AddSingleton<Microsoft.AspNetCore.Authorization.IAuthorizationMiddlewareResultHandler, ApiAuthorizationResultHandler>();

        services.AddHealthChecks().AddDbContextCheck<AgentFlowDbContext>("database");
        AddStudio(builder);
        services.AddOpenApi(o => o.AddDocumentTransformer<OpenApiSecurityTransformer>());
        return builder;
    }

    /// <summary>
    /// The Studio: its pages (a Razor class library) and the Host's side of them, the session they use. Data
    /// Protection keys (antiforgery tokens, the Studio's encrypted page state) are kept in the data folder, so an
    /// open sign-in form still works after a restart.
    /// </summary>
    private static void AddStudio(WebApplicationBuilder builder)
    {
        // Package assets (MudBlazor, the diagram library) are served from the build output only when this is on; it is
        // what Development does, and a published server (which has them in wwwroot) has no manifest, so it does nothing there.
        builder.WebHost.UseStaticWebAssets();
        // With the build manifest, MapStaticAssets would add a GET catch-all ({**path:file}) for files added after start;
        // the router counts it as a candidate for every path, which turns the API's 405s for GET into 404s.
        builder.Configuration["DisableStaticAssetNotFoundRuntimeFallback"] = "true";
        var services = builder.Services;
        services.AddDataProtection().PersistKeysToFileSystem(new DirectoryInfo(Path.Combine(DataDirectory(builder.Configuration), "keys")))
            .SetApplicationName("AgentFlow");
        services.AddAgentFlowStudio(builder.Configuration);
        services.AddSingleton<IStudioSessionSource, StudioSessionSource>();
        services.AddSingleton<IStudioSetupState, StudioSetupState>();
    }

    /// <summary>Local state (database file, JWT secret, Data Protection keys, plugin cache): <c>AgentFlow:DataDirectory</c>, default ./data.</summary>
    private static string DataDirectory(ConfigurationManager configuration) =>
        configuration["AgentFlow:DataDirectory"] is { Length: > 0 } data ? Path.GetFullPath(data) : Path.GetFullPath("data");

    private static void AddApprovals(IServiceCollection services)
    {
        services.AddSingleton<AgentFlow.Activities.TenantScopes>();
        services.AddSingleton<IActivityTypeContribution, PlatformActivities>();
        services.AddSingleton<SystemWorkflows>();
        services.AddSingleton<IApprovalWorkflowLauncher, ApprovalWorkflowLauncher>();
        services.AddScoped<IAgentDeploymentOrchestrator, WorkflowDeploymentOrchestrator>();
        services.AddSingleton<IHealthLoopLauncher, HealthLoopLauncher>();
        services.AddSingleton<IPostConfigureOptions<DeploymentOptions>, DeploymentAddress>();
        // approval.notify's e-mails (kind "email"), sent through AgentFlow:Smtp.
        services.TryAddEnumerable(ServiceDescriptor.Singleton<AgentFlow.Workflows.Runtime.IOutboxHandler, Notifications.SmtpOutboxHandler>());
    }

    private static void AddPlugins(IServiceCollection services, ConfigurationManager configuration, string contentRoot)
    {
        services.AddAgentFlowPlugins(configuration, contentRoot, DataDirectory(configuration));
        services.AddSingleton<IPluginContributionHandler, SkillPackContributionHandler>();
        services.AddSingleton<IPluginContributionHandler, ActivityContributionHandler>();
        services.AddSingleton<IPluginContributionHandler, DeployTargetContributionHandler>();
    }

    public static WebApplication UseAgentFlowHost(this WebApplication app)
    {
        app.UseForwardedHeaders();
        app.UseMiddleware<RequestIdMiddleware>();
        app.UseMiddleware<RequestLoggingMiddleware>();
        app.UseMiddleware<SecurityHeadersMiddleware>();
        app.UseExceptionHandler();
        app.UseStatusCodePages(StatusCodePages.WriteAsync);
        app.UseCors();
        app.UseMiddleware<RateLimitHeadersMiddleware>();
        app.UseRateLimiter();
        app.UseMiddleware<RequestBodyLimitMiddleware>();
        app.UseAuthentication();
        app.UseMiddleware<TenantMiddleware>();
        app.UseMiddleware<OrganizationRateLimitMiddleware>();
        app.UseMiddleware<CsrfMiddleware>();
        app.UseAuthorization();
        app.UseAntiforgery();
        app.UseAudit();


        app.MapHealthApi();
        app.MapAuthApi();
        app.MapAgentsApi();
        app.MapUsersApi();
        app.MapApiKeysApi();
        app.MapAuditApi();
        app.MapRulesApi();
        app.MapSettingsApi();
        app.MapSkillsApi();
        app.MapPermissionsApi();
        app.MapActivityApi();
        app.MapOrganizationsApi();
        app.MapEngineAgentsApi();
        app.MapRuntimeApi();
        app.MapWorkflowDefinitionsApi();
        app.MapWorkflowInstancesApi();
        app.MapDeployTargetsApi();
        app.MapApprovalsApi();
        app.MapDeploymentsApi();
        app.MapPluginsApi();
        app.MapWorkflowHttpTriggers();
        app.MapOpenApi("/openapi/{documentName}.json").AllowAnonymous();
        app.MapScalarApiReference("/scalar", o => o.WithTitle("AgentFlow API")).AllowAnonymous();
        app.MapStudioAccount();
        app.MapAgentFlowStudio().Add(RequireViewerUnlessAnonymous);
        app.MapGet("/", () => TypedResults.Redirect(StudioEndpoints.BasePath)).ExcludeFromDescription().AllowAnonymous();
        return app;
    }

    /// <summary>
    /// Studio pages (and the circuit connection) need a signed-in user of any role; what each may change is decided by
    /// the API the pages call. The sign-in page stays anonymous.
    /// </summary>
    private static void RequireViewerUnlessAnonymous(EndpointBuilder endpoint)
    {
        if (endpoint.Metadata.OfType<Microsoft.AspNetCore.Authorization.IAllowAnonymous>().Any())
        {
            return;
        }

        endpoint.Metadata.Add(new Microsoft.AspNetCore.Authorization.AuthorizeAttribute(RolePolicies.Name(Engine.Identity.UserRole.Viewer)));
        endpoint.Metadata.Add(new RequiredRoleMetadata(Engine.Identity.UserRole.Viewer));
    }

    /// <summary>
    /// Adds <see cref="SetupConfigurationFile"/> right after the appsettings files, so it overrides them but not
    /// environment variables or the command line.
    /// </summary>
    public static void InsertSetupFile(this ConfigurationManager configuration, string directory)
    {
        var sources = configuration.Sources;
        var lastJson = sources.Select((source, index) => (source, index)).LastOrDefault(s => s.source is Microsoft.Extensions.Configuration.Json.JsonConfigurationSource).index;
        var file = new Microsoft.Extensions.Configuration.Json.JsonConfigurationSource
        {
            Path = SetupConfigurationFile,
            Optional = true,
            ReloadOnChange = false,
            FileProvider = new Microsoft.Extensions.FileProviders.PhysicalFileProvider(Path.GetFullPath(directory)),
        };
        sources.Insert(Math.Min(lastJson + 1, sources.Count), file);
    }

    private static void ConfigureForwardedHeaders(ForwardedHeadersOptions options, string[] trustedProxies)
    {
        options.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
        if (trustedProxies.Length == 0)
        {
            return;
        }

        // Listing proxies replaces the loopback default: only these addresses may speak for a client.
        options.KnownProxies.Clear();
        options.KnownIPNetworks.Clear();
        foreach (var entry in trustedProxies)
        {
            if (System.Net.IPNetwork.TryParse(entry, out var network))
            {
                options.KnownIPNetworks.Add(network);
            }
            else if (IPAddress.TryParse(entry, out var address))
            {
                options.KnownProxies.Add(address);
            }
            else
            {
                throw new OptionsValidationException(HttpOptions.SectionName, typeof(HttpOptions),
                    [$"TrustedProxies entry '{entry}' is neither an IP address nor a CIDR range."]);
            }
        }
    }

    private sealed class ConfigureRateLimiter(ClientRateLimiter limiter) : IConfigureOptions<Microsoft.AspNetCore.RateLimiting.RateLimiterOptions>
    {
        public void Configure(Microsoft.AspNetCore.RateLimiting.RateLimiterOptions options)
        {
            options.GlobalLimiter = limiter.Limiter;
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.OnRejected = ClientRateLimiter.OnRejectedAsync;
        }
    }

    private sealed class ConfigureJwtBearer(AccessTokenIssuer tokens, JwtBearerEventHandlers events) : IConfigureNamedOptions<JwtBearerOptions>
    {
        public void Configure(string? name, JwtBearerOptions options)
        {
            if (name != AuthSchemes.Bearer)
            {
                return;
            }

            options.MapInboundClaims = false;
            options.TokenValidationParameters = tokens.ValidationParameters();
            options.Events = events;
        }

        public void Configure(JwtBearerOptions options) => Configure(Microsoft.Extensions.Options.Options.DefaultName, options);
    }
}
