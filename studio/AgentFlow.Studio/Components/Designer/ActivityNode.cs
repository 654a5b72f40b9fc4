using System.Text.Json.Nodes;
using AgentFlow.Studio.Api;
using Blazor.Diagrams.Core.Geometry;
using Blazor.Diagrams.Core.Models;
using Blazor.Diagrams.Core.Models.Base;

namespace AgentFlow.Studio.Components.Designer;

/// <summary>
/// One "wf/1" node on the canvas. It carries the node's own JSON (inputs, outputs, timeout, retry, join, phase and
/// anything newer the canvas does not know), so serialising the diagram back loses nothing it does not show.
/// </summary>
public sealed class ActivityNode : NodeModel
{
    public ActivityNode(JsonObject json, ActivityDescriptor? descriptor, Point position)
        : base(position)
    {
        Json = json;
        Descriptor = descriptor;
        Input = new InputPort(this);
        AddPort(Input);
    }

    /// <summary>The node's "wf/1" JSON; its <c>id</c> and <c>type</c> are kept in step with <see cref="NodeId"/>.</summary>
    public JsonObject Json { get; }

    public ActivityDescriptor? Descriptor { get; }

    public InputPort Input { get; }

    public string NodeId
    {
        get => Json["id"]?.GetValue<string>() ?? "";
        set => Json["id"] = value;
    }

    public string ActivityType => Json["type"]?.GetValue<string>() ?? "";

    /// <summary>Validation messages of the last check that name this node.</summary>
    public List<string> Problems { get; } = [];

    /// <summary>The instance view's colour for this node (completed, waiting, failed, unreached), or null in the designer.</summary>
    public string? RunState { get; set; }

    public IEnumerable<OutcomePort> OutcomePorts => Ports.OfType<OutcomePort>();

    /// <summary>The outcome's port, added when the activity did not declare it (a dynamic outcome, a timeout outcome).</summary>
    public OutcomePort OutcomePort(string outcome)
    {
        var port = OutcomePorts.FirstOrDefault(p => p.Outcome == outcome);
        if (port is null)
        {
            port = new OutcomePort(this, outcome);
            AddPort(port);
        }

        return port;
    }

    /// <summary>The outcomes shown as ports: declared ones, the timeout's, then whatever edges already use.</summary>
    public static IEnumerable<string> DeclaredOutcomes(JsonObject json, ActivityDescriptor? descriptor)
    {
        var outcomes = new List<string>();
        if (descriptor is not null)
        {
            outcomes.AddRange(descriptor.Outcomes);
        }

        if (outcomes.Count == 0 && descriptor?.HasDynamicOutcomes != true && descriptor?.Type != "core.end")
        {
            outcomes.Add("Done");
        }

        if (json["timeout"] is JsonObject timeout)
        {
            outcomes.Add(timeout["outcome"]?.GetValue<string>() ?? "TimedOut");
        }

        return outcomes.Distinct(StringComparer.Ordinal);
    }
}

/// <summary>The node's single entry, on its left.</summary>
public sealed class InputPort(NodeModel parent) : PortModel(parent, PortAlignment.Left)
{
    // Links go from an outcome to an input: snapping and dropping never attach an input to an input.
    public override bool CanAttachTo(ILinkable other) => other is OutcomePort && base.CanAttachTo(other);
}

/// <summary>One outcome of a node, on its right: a link from it is an edge <c>{from, on: Outcome, to}</c>.</summary>
public sealed class OutcomePort(NodeModel parent, string outcome) : PortModel(parent, PortAlignment.Right)
{
    public string Outcome { get; } = outcome;

    public override bool CanAttachTo(ILinkable other) => other is InputPort && base.CanAttachTo(other);
}
