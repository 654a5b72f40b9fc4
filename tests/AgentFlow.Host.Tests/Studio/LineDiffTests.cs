using AgentFlow.Studio.Components.Designer;

namespace AgentFlow.Host.Tests.Studio;

public sealed class LineDiffTests
{
    [Fact]
    public void Compute_IdenticalTexts_KeepsEveryLine()
    {
        var diff = LineDiff.Compute("a\nb\nc", "a\nb\nc");

        Assert.All(diff, l => Assert.Equal(' ', l.Kind));
        Assert.Equal(["a", "b", "c"], diff.Select(l => l.Text));
    }

    [Fact]
    public void Compute_InsertedAndReplacedLines_AreAddedAndRemovedInOrder()
    {
        var diff = LineDiff.Compute("a\nb\nc\nd", "a\nx\nc\nd\ne");

        Assert.Equal(["  a", "- b", "+ x", "  c", "  d", "+ e"], diff.Select(l => $"{l.Kind} {l.Text}"));
    }

    [Fact]
    public void Compute_EmptyBefore_AddsEverything()
    {
        var diff = LineDiff.Compute("", "x\ny");

        Assert.Equal(["- ", "+ x", "+ y"], diff.Select(l => $"{l.Kind} {l.Text}"));
    }
}
