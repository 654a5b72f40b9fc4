namespace AgentFlow.Studio.Api;

/// <summary>The API's <c>{data}</c> envelope.</summary>
public sealed record DataEnvelope<T>(T Data);

/// <summary>The API's <c>{data, meta}</c> list envelope.</summary>
public sealed record ListEnvelope<T>(IReadOnlyList<T> Data, ListMeta Meta);

public sealed record ListMeta(int Total, int Limit, int Offset);
