using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace AgentFlow.Engine.Persistence.Configurations;

internal static class ConfigurationExtensions
{
    /// <summary>A string column that holds a JSON document: <c>jsonb</c> on PostgreSQL, text elsewhere.</summary>
    public static PropertyBuilder<string> IsJsonDocument(this PropertyBuilder<string> property) =>
        property.IsRequired().HasAnnotation(AgentFlowDbContext.JsonColumnAnnotation, true);
}
