using AgentFlow.Host;
using AgentFlow.Host.Cli;

// `setup` and `migrate` are command-line verbs; anything else starts the server.
if (args.Length > 0 && CliApp.Handles(args[0]))
{
    return await CliApp.RunAsync(args);
}

// appsettings.json ships next to the binary; the working directory is only for data and agentflow.json.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.AddAgentFlowHost();
if (string.IsNullOrEmpty(builder.Configuration[WebHostDefaults.ServerUrlsKey]))
{
    // The default address, unless --urls, ASPNETCORE_URLS or a "urls" setting names another.
    builder.WebHost.UseUrls("http://localhost:5080");
}

var app = builder.Build();
app.UseAgentFlowHost();
await app.RunAsync();
return 0;

/// <summary>Entry point; public and partial so integration tests can host it with WebApplicationFactory.</summary>
public partial class Program;
