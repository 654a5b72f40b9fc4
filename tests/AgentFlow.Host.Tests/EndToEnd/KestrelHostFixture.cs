using AgentFlow.Host.Tests.Infrastructure;

namespace AgentFlow.Host.Tests.EndToEnd;

/// <summary>
/// The Host over real loopback sockets (SQLite), so that agent processes started by the Local deploy target can call
/// back into it through the runtime hook. Health probes run every second and restart after 3 failures, so the
/// recovery tests take seconds, not minutes.
/// </summary>
public sealed class KestrelHostFixture : SqliteHostFixture
{
    protected override IReadOnlyDictionary<string, string?> ExtraSettings => new Dictionary<string, string?>
    {
        ["AgentFlow:Health:ProbeInterval"] = "00:00:01",
        ["AgentFlow:Health:DegradedAfter"] = "1",
        ["AgentFlow:Health:UnhealthyAfter"] = "2",
        ["AgentFlow:Health:RestartAfter"] = "3",
        ["AgentFlow:Health:MaxRestarts"] = "2",
    };

    protected override void StartHost()
    {
        UseKestrel(0);
        StartServer();
    }
}
