using AgentFlow.Engine.Tenancy;

namespace AgentFlow.Engine.Rules;

public sealed class EmailRule : IOrgOwned
{
    public Guid Id { get; set; }
    public Guid OrgId { get; set; }
    public required string Name { get; set; }
    public Guid? AgentId { get; set; }

    /// <summary>A JSON object.</summary>
    public string Conditions { get; set; } = "{}";

    /// <summary>A JSON object.</summary>
    public string Actions { get; set; } = "{}";
    public int Priority { get; set; }
    public bool Enabled { get; set; } = true;
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}
