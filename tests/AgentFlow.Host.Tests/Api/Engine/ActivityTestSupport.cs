using System.Text;
using AgentFlow.Engine.Activity;
using AgentFlow.Host.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace AgentFlow.Host.Tests.Api.Engine;

/// <summary>
/// Activity tests run with a tiny recent-events buffer (so a replay beyond it must fall back to the database)
/// and a short heartbeat (so a heartbeat is seen without waiting 15 s).
/// </summary>
internal static class ActivitySettings
{
    public const int BufferSize = 3;

    public static IReadOnlyDictionary<string, string?> Values => new Dictionary<string, string?>
    {
        ["AgentFlow:Activity:RecentEventsPerOrganization"] = BufferSize.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["AgentFlow:Activity:HeartbeatInterval"] = "00:00:00.200",
    };
}

public sealed class SqliteActivityHostFixture : SqliteHostFixture
{
    protected override IReadOnlyDictionary<string, string?> ExtraSettings => ActivitySettings.Values;
}

public sealed class PostgresActivityHostFixture : PostgresHostFixture
{
    protected override IReadOnlyDictionary<string, string?> ExtraSettings => ActivitySettings.Values;
}

internal static class ActivityRecording
{
    public static IActivityRecorder Recorder(this AgentFlowHostFixture host) => host.Services.GetRequiredService<IActivityRecorder>();

    /// <summary>Records one event per type, in order, and waits until they are written.</summary>
    public static async Task RecordEventsAsync(this AgentFlowHostFixture host, Guid orgId, Guid? agentId, params string[] types)
    {
        var recorder = host.Recorder();
        foreach (var type in types)
        {
            Assert.True(recorder.Record(new ActivityEventInput(orgId, agentId, type, new { label = type })));
        }

        await recorder.FlushAsync();
    }
}

/// <summary>Reads Server-Sent Events frames from a streaming response, line by line.</summary>
internal sealed class SseReader(Stream stream) : IDisposable
{
    private readonly StreamReader _reader = new(stream, Encoding.UTF8);

    /// <summary>Lines starting with ':' seen so far (connected, heartbeat).</summary>
    public List<string> Comments { get; } = [];

    /// <summary>The next event frame (comments are collected, not returned).</summary>
    public async Task<SseFrame> NextEventAsync(CancellationToken cancellationToken)
    {
        string? id = null, type = null;
        var data = new StringBuilder();
        while (true)
        {
            var line = await _reader.ReadLineAsync(cancellationToken) ?? throw new EndOfStreamException("The stream ended.");
            if (line.Length == 0)
            {
                if (id is not null || data.Length > 0)
                {
                    return new SseFrame(id, type, data.ToString());
                }

                continue;
            }

            if (line.StartsWith(':'))
            {
                Comments.Add(line);
            }
            else if (line.StartsWith("id: ", StringComparison.Ordinal))
            {
                id = line[4..];
            }
            else if (line.StartsWith("event: ", StringComparison.Ordinal))
            {
                type = line[7..];
            }
            else if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                data.Append(line[6..]);
            }
        }
    }

    /// <summary>Reads until a comment line equal to <paramref name="comment"/> arrives.</summary>
    public async Task WaitForCommentAsync(string comment, CancellationToken cancellationToken)
    {
        while (!Comments.Contains(comment))
        {
            var line = await _reader.ReadLineAsync(cancellationToken) ?? throw new EndOfStreamException("The stream ended.");
            if (line.StartsWith(':'))
            {
                Comments.Add(line);
            }
        }
    }

    public void Dispose() => _reader.Dispose();
}

internal sealed record SseFrame(string? Id, string? Event, string Data)
{
    public long NumericId => long.Parse(Id!, System.Globalization.CultureInfo.InvariantCulture);

    public System.Text.Json.JsonElement Json => System.Text.Json.JsonDocument.Parse(Data).RootElement;
}
