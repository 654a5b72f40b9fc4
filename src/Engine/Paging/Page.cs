using Microsoft.EntityFrameworkCore;

namespace AgentFlow.Engine.Paging;

/// <summary>A window on a list. Limits are clamped by the caller's list policy before they reach a store.</summary>
public readonly record struct PageRequest(int Limit, int Offset);

public sealed record Page<T>(IReadOnlyList<T> Items, int Total, int Limit, int Offset)
{
    public Page<TOut> Map<TOut>(Func<T, TOut> map) => new([.. Items.Select(map)], Total, Limit, Offset);
}

internal static class PageQueryExtensions
{
    /// <summary>Counts the whole (filtered) query, then reads one ordered window of it.</summary>
    public static async Task<Page<T>> ToPageAsync<T>(this IOrderedQueryable<T> query, PageRequest page, CancellationToken cancellationToken)
    {
        var total = await query.CountAsync(cancellationToken);
        var items = await query.Skip(page.Offset).Take(page.Limit).ToListAsync(cancellationToken);
        return new Page<T>(items, total, page.Limit, page.Offset);
    }
}
