namespace AgentFlow.Host.Tests.Plugins;

/// <summary>What the linked PluginBuilder reports, on the console (the tests send it to the test output).</summary>
internal static class TestOutput
{
    public static void WriteLine(string line) => Console.WriteLine(line);
}
