using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using AgentFlow.Studio.Api;
using Blazor.Diagrams;
using Blazor.Diagrams.Core.Anchors;
using Blazor.Diagrams.Core.Geometry;
using Blazor.Diagrams.Core.Models;
using Blazor.Diagrams.Core.Models.Base;
using Blazor.Diagrams.Options;

namespace AgentFlow.Studio.Components.Designer;

/// <summary>
/// Maps a "wf/1" document to a <see cref="BlazorDiagram"/> and back. The document's JSON is kept as it came: writing
/// back replaces only <c>nodes</c>, <c>edges</c> and <c>layout</c> (and trigger node names on a rename), so triggers,
/// variables, outputs, defaults and any field this Studio does not know survive a round trip.
/// </summary>
public sealed class WorkflowDiagram
{
    public static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    private JsonObject _root = new();
    private IReadOnlyDictionary<string, ActivityDescriptor> _descriptors = new Dictionary<string, ActivityDescriptor>();

    public WorkflowDiagram(bool readOnly = false)
    {
        var options = new BlazorDiagramOptions
        {
            AllowMultiSelection = false,
            AllowPanning = true,
            Zoom = { Enabled = true },
            Links =
            {
                EnableSnapping = true,
                SnappingRadius = 30,
                // A link starts at an outcome port; the input port is only ever a target.
                Factory = (_, source, target) => readOnly || source is not OutcomePort
                    ? null
                    : new LinkModel(new SinglePortAnchor((PortModel)source), target) { TargetMarker = LinkMarker.Arrow },
            },
        };
        if (readOnly)
        {
            options.Constraints.ShouldDeleteNode = _ => ValueTask.FromResult(false);
            options.Constraints.ShouldDeleteLink = _ => ValueTask.FromResult(false);
        }

        Diagram = new BlazorDiagram(options);
        Diagram.RegisterComponent<ActivityNode, ActivityNodeWidget>();
    }

    public BlazorDiagram Diagram { get; }

    public IEnumerable<ActivityNode> Nodes => Diagram.Nodes.OfType<ActivityNode>();

    /// <summary>The edges: links from an outcome port to an input port (a link still being drawn is not one).</summary>
    public IEnumerable<(ActivityNode From, string On, ActivityNode To, BaseLinkModel Link)> Edges =>
        Diagram.Links
            .Select(l => (Link: l, Source: (l.Source as SinglePortAnchor)?.Port as OutcomePort, Target: (l.Target as SinglePortAnchor)?.Port as InputPort))
            .Where(x => x.Source is not null && x.Target is not null)
            .Select(x => ((ActivityNode)x.Source!.Parent, x.Source!.Outcome, (ActivityNode)x.Target!.Parent, x.Link));

    public ActivityDescriptor? DescriptorOf(string type) => _descriptors.GetValueOrDefault(type);

    /// <summary>Replaces the whole diagram with <paramref name="root"/>.</summary>
    public void Load(JsonObject root, IReadOnlyDictionary<string, ActivityDescriptor> descriptors)
    {
        _root = (JsonObject)root.DeepClone();
        _descriptors = descriptors;
        Diagram.Batch(() =>
        {
            Diagram.Links.Clear();
            Diagram.Nodes.Clear();
            var layout = _root["layout"] as JsonObject;
            var byId = new Dictionary<string, ActivityNode>(StringComparer.Ordinal);
            var index = 0;
            foreach (var item in (_root["nodes"] as JsonArray ?? []).OfType<JsonObject>())
            {
                var json = (JsonObject)item.DeepClone();
                var id = json["id"]?.GetValue<string>() ?? $"node{index}";
                var position = PositionOf(layout?[id]) ?? new Point(40 + (index % 5) * 220, 40 + (index / 5) * 160);
                var node = CreateNode(json, position);
                byId.TryAdd(id, node);
                Diagram.Nodes.Add(node);
                index++;
            }

            foreach (var edge in (_root["edges"] as JsonArray ?? []).OfType<JsonObject>())
            {
                var from = edge["from"]?.GetValue<string>();
                var to = edge["to"]?.GetValue<string>();
                var on = edge["on"]?.GetValue<string>() ?? "Done";
                if (from is not null && to is not null && byId.TryGetValue(from, out var source) && byId.TryGetValue(to, out var target))
                {
                    Connect(source.OutcomePort(on), target);
                }
            }
        });
    }

    public ActivityNode CreateNode(JsonObject json, Point position)
    {
        var descriptor = DescriptorOf(json["type"]?.GetValue<string>() ?? "");
        var node = new ActivityNode(json, descriptor, position);
        foreach (var outcome in ActivityNode.DeclaredOutcomes(json, descriptor))
        {
            node.OutcomePort(outcome);
        }

        return node;
    }

    public BaseLinkModel Connect(OutcomePort from, ActivityNode to) =>
        Diagram.Links.Add(new LinkModel(from, to.Input) { TargetMarker = LinkMarker.Arrow });

    /// <summary>A node id not used yet, from the activity type's last segment.</summary>
    public string NewNodeId(string type)
    {
        var stem = type[(type.LastIndexOf('.') + 1)..];
        var used = Nodes.Select(n => n.NodeId).ToHashSet(StringComparer.Ordinal);
        if (!used.Contains(stem))
        {
            return stem;
        }

        for (var i = 2; ; i++)
        {
            var candidate = stem + i.ToString(CultureInfo.InvariantCulture);
            if (!used.Contains(candidate))
            {
                return candidate;
            }
        }
    }

    /// <summary>Renames a node; trigger entries naming it follow (edges and layout are written from the canvas).</summary>
    public void Rename(ActivityNode node, string newId)
    {
        var old = node.NodeId;
        node.NodeId = newId;
        foreach (var trigger in (_root["triggers"] as JsonArray ?? []).OfType<JsonObject>())
        {
            if (trigger["node"]?.GetValue<string>() == old)
            {
                trigger["node"] = newId;
            }
        }
    }

    /// <summary>The document as it stands on the canvas.</summary>
    public JsonObject ToDocument()
    {
        var root = (JsonObject)_root.DeepClone();
        var nodes = new JsonArray();
        var layout = new JsonObject();
        foreach (var node in Nodes)
        {
            nodes.Add(node.Json.DeepClone());
            layout[node.NodeId] = new JsonArray(Math.Round(node.Position.X), Math.Round(node.Position.Y));
        }

        var edges = new JsonArray();
        foreach (var (from, on, to, _) in Edges)
        {
            var edge = new JsonObject { ["from"] = from.NodeId };
            if (on != "Done")
            {
                edge["on"] = on;
            }

            edge["to"] = to.NodeId;
            edges.Add(edge);
        }

        root["nodes"] = nodes;
        root["edges"] = edges;
        root["layout"] = layout;
        return root;
    }

    public string ToJson(bool indented = true) => ToDocument().ToJsonString(indented ? Indented : null);

    private static Point? PositionOf(JsonNode? value)
    {
        try
        {
            return value switch
            {
                JsonArray { Count: >= 2 } a => new Point(a[0]!.GetValue<double>(), a[1]!.GetValue<double>()),
                JsonObject o when o["x"] is not null && o["y"] is not null => new Point(o["x"]!.GetValue<double>(), o["y"]!.GetValue<double>()),
                _ => null,
            };
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException)
        {
            return null;
        }
    }
}
