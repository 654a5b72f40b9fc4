namespace AgentFlow.Studio.Components.Designer;

/// <summary>
/// The designer's undo stack: one compact JSON snapshot of the canvas per change (the newest last, at most
/// <see cref="Capacity"/>), and the snapshot last saved, which tells whether there are unsaved changes.
/// </summary>
public sealed class UndoHistory
{
    public const int Capacity = 200;

    private readonly List<string> _snapshots = [];

    private string _saved = "";

    /// <summary>True when there is a snapshot before the current one.</summary>
    public bool CanUndo => _snapshots.Count > 1;

    /// <summary>The newest snapshot, or null when there is none.</summary>
    public string? Current => _snapshots.Count == 0 ? null : _snapshots[^1];

    /// <summary>True when the newest snapshot differs from the saved one.</summary>
    public bool Dirty => _snapshots.Count > 0 && _snapshots[^1] != _saved;

    /// <summary>Starts over from a loaded (and saved) document.</summary>
    public void Reset(string snapshot)
    {
        _snapshots.Clear();
        _snapshots.Add(snapshot);
        _saved = snapshot;
    }

    /// <summary>Adds a snapshot unless it equals the newest one; the oldest goes beyond <see cref="Capacity"/>.</summary>
    public void Push(string snapshot)
    {
        if (_snapshots.Count == 0 || _snapshots[^1] != snapshot)
        {
            _snapshots.Add(snapshot);
            if (_snapshots.Count > Capacity)
            {
                _snapshots.RemoveAt(0);
            }
        }
    }

    /// <summary>Drops the newest snapshot and returns the one before it, or null when there is nothing to undo.</summary>
    public string? Undo()
    {
        if (!CanUndo)
        {
            return null;
        }

        _snapshots.RemoveAt(_snapshots.Count - 1);
        return _snapshots[^1];
    }

    /// <summary>Records what the server now holds.</summary>
    public void MarkSaved(string snapshot) => _saved = snapshot;
}
