using AgentFlow.Engine.Settings;

namespace AgentFlow.Engine.Tests.Infrastructure;

/// <summary>Settings updates for tests: start from "change nothing" and set what the test is about.</summary>
internal static class SettingsCommands
{
    public static readonly UpdateSettingsCommand Nothing = new(null, null, null, null, null, null, null, null, null, null);
}
