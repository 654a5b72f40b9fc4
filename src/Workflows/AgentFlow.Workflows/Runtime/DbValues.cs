using AgentFlow.Workflows.Persistence;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace AgentFlow.Workflows.Runtime;

/// <summary>Parameter values for the few raw SQL statements, stored the way the provider's model stores them.</summary>
internal static class DbValues
{
    private static readonly DateTimeOffsetToBinaryConverter SqliteTime = new();

    public static object Time(WorkflowDbContext db, DateTimeOffset value) =>
        db.IsPostgres ? value.ToUniversalTime() : SqliteTime.ConvertToProvider(value.ToUniversalTime())!;
}
