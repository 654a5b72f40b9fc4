namespace AgentFlow.Host.Tests.Plugins;

/// <summary>The running test's output, for helpers that are also linked into programs without xunit.</summary>
internal static class TestOutput
{
    public static void WriteLine(string line) => TestContext.Current.TestOutputHelper?.WriteLine(line);
}
