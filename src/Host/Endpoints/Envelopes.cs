using System.Globalization;
using AgentFlow.Engine.Errors;
using AgentFlow.Engine.Paging;

namespace AgentFlow.Host.Endpoints;

/// <summary>A single object: <c>{ "data": {...} }</c>.</summary>
public sealed record DataResponse<T>(T Data);

/// <summary>A list: <c>{ "data": [...], "meta": { "total", "limit", "offset" } }</c>.</summary>
public sealed record ListResponse<T>(IReadOnlyList<T> Data, ListMeta Meta);

public sealed record ListMeta(int Total, int Limit, int Offset);

internal static class Envelope
{
    public static DataResponse<T> Of<T>(T data) => new(data);

    public static ListResponse<TOut> List<TIn, TOut>(Page<TIn> page, Func<TIn, TOut> map) =>
        new([.. page.Items.Select(map)], new ListMeta(page.Total, page.Limit, page.Offset));
}

/// <summary>Reads <c>limit</c> and <c>offset</c> as text so a bad value gets a field error, not a binder failure.</summary>
internal static class Paging
{
    public static PageRequest Parse(string? limit, string? offset, int defaultLimit, int maxLimit)
    {
        var errors = new Dictionary<string, string[]>();
        var parsedLimit = defaultLimit;
        var parsedOffset = 0;
        if (limit is not null && (!int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out parsedLimit) || parsedLimit < 1 || parsedLimit > maxLimit))
        {
            errors["limit"] = [$"The limit must be a whole number between 1 and {maxLimit}."];
        }

        if (offset is not null && (!int.TryParse(offset, NumberStyles.None, CultureInfo.InvariantCulture, out parsedOffset) || parsedOffset < 0))
        {
            errors["offset"] = ["The offset must be a whole number of 0 or more."];
        }

        return errors.Count > 0 ? throw new InputValidationException(errors) : new PageRequest(parsedLimit, parsedOffset);
    }

    public static Guid? ParseGuid(string field, string? value) =>
        value is null ? null
        : Guid.TryParse(value, out var id) ? id
        : throw InputValidationException.For(field, $"The {field} must be an id.");

    public static DateTimeOffset? ParseDate(string field, string? value) =>
        value is null ? null
        : DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date) ? date
        : throw InputValidationException.For(field, $"The {field} must be an ISO 8601 date, e.g. 2026-11-27T10:00:00Z.");
}
