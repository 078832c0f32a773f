using Microsoft.Data.Sqlite;

namespace Zhifu.Bank.Storage;

/// <summary>The few command shapes the simulator needs, with parameters always bound (never concatenated).</summary>
internal static class Sql
{
    public static SqliteCommand Command(
        this SqliteConnection connection, SqliteTransaction? tx, string sql, params (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.Transaction = tx;
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }
        return command;
    }

    public static int Run(this SqliteConnection connection, string sql) => Run(connection, null, sql);

    public static int Run(
        this SqliteConnection connection, SqliteTransaction? tx, string sql, params (string Name, object? Value)[] parameters)
    {
        using var command = connection.Command(tx, sql, parameters);
        return command.ExecuteNonQuery();
    }

    public static T? One<T>(
        this SqliteConnection connection, SqliteTransaction? tx, Func<SqliteDataReader, T> read, string sql,
        params (string Name, object? Value)[] parameters)
        where T : class
    {
        using var command = connection.Command(tx, sql, parameters);
        using var reader = command.ExecuteReader();
        return reader.Read() ? read(reader) : null;
    }

    public static List<T> Many<T>(
        this SqliteConnection connection, Func<SqliteDataReader, T> read, string sql, params (string Name, object? Value)[] parameters)
    {
        using var command = connection.Command(null, sql, parameters);
        using var reader = command.ExecuteReader();
        var rows = new List<T>();
        while (reader.Read())
        {
            rows.Add(read(reader));
        }
        return rows;
    }

    public static string? NullableString(this SqliteDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);
}
