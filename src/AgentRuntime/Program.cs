using AgentFlow.AgentRuntime;

var builder = WebApplication.CreateSlimBuilder(args);

// Structured logs on stdout (one JSON object a line): the Local deploy target sends them to logs/stdout.log.
builder.Logging.ClearProviders();
builder.Logging.AddJsonConsole(o =>
{
    o.IncludeScopes = false;
    o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
    o.UseUtcTimestamp = true;
});
// The runtime's own lines and start/stop; request-by-request and HTTP client chatter only when something goes wrong.
builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
builder.Logging.AddFilter("System.Net.Http.HttpClient", LogLevel.Warning);
builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(10));
builder.Services.AddAgentRuntime(builder.Configuration);

var app = builder.Build();
app.MapAgentRuntime();
app.Services.GetRequiredService<WorkspaceStore>().Load();
await app.RunAsync();

/// <summary>The entry point (public for WebApplicationFactory in tests).</summary>
public partial class Program;
