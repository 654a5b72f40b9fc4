namespace AgentFlow.Engine.Paging;

/// <summary>A window on a list. Limits are clamped by the caller's list policy before they reach a store.</summary>
public readonly record struct PageRequest(int Limit, int Offset);

public sealed record Page<T>(IReadOnlyList<T> Items, int Total, int Limit, int Offset)
{
    public Page<TOut> Map<TOut>(Func<T, TOut> map) => new([.. Items.Select(map)], Total, Limit, Offset);
}
