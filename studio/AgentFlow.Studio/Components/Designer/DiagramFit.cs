namespace AgentFlow.Studio.Components.Designer;

/// <summary>Zooms and pans a workflow diagram so its graph fills the canvas.</summary>
public static class DiagramFit
{
    private const double Margin = 30;

    /// <summary>
    /// Fits the graph in the canvas, never zooming in beyond 100 % (a small graph stays readable) nor out below 30 %.
    /// Does nothing before the canvas or any node size is known.
    /// </summary>
    public static void Fit(WorkflowDiagram wf)
    {
        var container = wf.Diagram.Container;
        var nodes = wf.Nodes.Where(n => n.Size is not null).ToList();
        if (container is null || nodes.Count == 0)
        {
            return;
        }

        var left = nodes.Min(n => n.Position.X);
        var top = nodes.Min(n => n.Position.Y);
        var right = nodes.Max(n => n.Position.X + n.Size!.Width);
        var bottom = nodes.Max(n => n.Position.Y + n.Size!.Height);
        var zoom = Math.Min(1, Math.Min((container.Width - 2 * Margin) / Math.Max(1, right - left), (container.Height - 2 * Margin) / Math.Max(1, bottom - top)));
        zoom = Math.Max(0.3, zoom);
        wf.Diagram.SetZoom(zoom);
        wf.Diagram.SetPan(Margin - left * zoom, Margin - top * zoom);
        wf.Diagram.Refresh();
    }
}
