using AgentFlow.Host;
using AgentFlow.Host.Cli;

// `setup` and `migrate` are command-line verbs; anything else starts the server.
if (args.Length > 0 && CliApp.Handles(args[0]))
{
    return await CliApp.RunAsync(args);
}

var builder = WebApplication.CreateBuilder(args);
builder.AddAgentFlowHost();
var app = builder.Build();
app.UseAgentFlowHost();
await app.RunAsync();
return 0;

/// <summary>Entry point; public and partial so integration tests can host it with WebApplicationFactory.</summary>
public partial class Program;
