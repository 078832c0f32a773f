using System.Data.Common;
using System.Security.Cryptography;
using Microsoft.Data.Sqlite;
using Npgsql;
using Zhifu.Data;

namespace Zhifu.Server.Face;

/// <summary>
/// The face template store (FACE-2), isolated from everything else: its own database — the SQLite file
/// <c>{data}/face/face.db</c>, or the <c>face</c> schema on PostgreSQL — its own key (<see cref="FaceKeys.StoreKey"/>), and
/// nothing in it but an opaque face id, the encrypted template and when it was stored: no phone, ID or account number.
/// The in-memory <see cref="FaceIndex"/> is rebuilt from it at start.
/// </summary>
public sealed class FaceStore(DatabaseOptions database, Hosting.ServerSettings settings, FaceKeys keys)
{
    private static readonly byte[] AssociatedData = "face-store"u8.ToArray();

    private bool Postgres => database.Provider == DatabaseProvider.Postgres;

    /// <summary>The SQLite file of the store (null on PostgreSQL).</summary>
    public string? SqliteFile => Postgres ? null : Path.Combine(settings.DataDirectory, "face", "face.db");

    public async Task InitializeAsync(CancellationToken ct)
    {
        if (!Postgres)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(SqliteFile)!);
        }
        await using var connection = await OpenAsync(ct);
        await ExecuteAsync(connection, Postgres
            ? """
              CREATE SCHEMA IF NOT EXISTS face;
              CREATE TABLE IF NOT EXISTS face.templates (face_id uuid PRIMARY KEY, nonce bytea NOT NULL, cipher bytea NOT NULL,
                stored_at timestamptz NOT NULL);
              """
            : "CREATE TABLE IF NOT EXISTS templates (face_id TEXT PRIMARY KEY, nonce BLOB NOT NULL, cipher BLOB NOT NULL, stored_at TEXT NOT NULL);",
            ct);
    }

    /// <summary>Stores (or replaces) a template, encrypted under the store's key with the face id as associated data.</summary>
    public async Task PutAsync(Guid faceId, float[] template, DateTimeOffset at, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(template);
        var plain = FaceIndex.ToBytes(template);
        var nonce = RandomNumberGenerator.GetBytes(12);
        var cipher = new byte[plain.Length + 16];
        using (var aes = new AesGcm(keys.StoreKey, 16))
        {
            aes.Encrypt(nonce, plain, cipher.AsSpan(0, plain.Length), cipher.AsSpan(plain.Length), Aad(faceId));
        }
        CryptographicOperations.ZeroMemory(plain);
        await using var connection = await OpenAsync(ct);
        await ExecuteAsync(connection, Postgres
            ? "INSERT INTO face.templates VALUES (@id, @nonce, @cipher, @at) ON CONFLICT (face_id) DO UPDATE SET nonce = @nonce, cipher = @cipher, stored_at = @at"
            : "INSERT OR REPLACE INTO templates VALUES (@id, @nonce, @cipher, @at)", ct,
            ("@id", Postgres ? faceId : faceId.ToString("D")), ("@nonce", nonce), ("@cipher", cipher),
            ("@at", Postgres ? at.ToUniversalTime() : at.ToUniversalTime().ToString("O")));
    }

    /// <summary>Deletes a template at once (FACE-1); true when there was one.</summary>
    public async Task<bool> DeleteAsync(Guid faceId, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        return await ExecuteAsync(connection, Postgres ? "DELETE FROM face.templates WHERE face_id = @id" : "DELETE FROM templates WHERE face_id = @id",
            ct, ("@id", Postgres ? faceId : faceId.ToString("D"))) > 0;
    }

    /// <summary>Every stored template, decrypted, for rebuilding the index.</summary>
    public async IAsyncEnumerable<(Guid FaceId, float[] Template)> ReadAllAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = Postgres ? "SELECT face_id, nonce, cipher FROM face.templates" : "SELECT face_id, nonce, cipher FROM templates";
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var id = Postgres ? reader.GetGuid(0) : Guid.Parse(reader.GetString(0));
            yield return (id, Decrypt(id, (byte[])reader[1], (byte[])reader[2]));
        }
    }

    /// <summary>How many templates are stored (for tests and the operator console).</summary>
    public async Task<long> CountAsync(CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = Postgres ? "SELECT count(*) FROM face.templates" : "SELECT count(*) FROM templates";
        return Convert.ToInt64(await command.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture);
    }

    private float[] Decrypt(Guid faceId, byte[] nonce, byte[] cipher)
    {
        var plain = new byte[cipher.Length - 16];
        using (var aes = new AesGcm(keys.StoreKey, 16))
        {
            aes.Decrypt(nonce, cipher.AsSpan(0, plain.Length), cipher.AsSpan(plain.Length), plain, Aad(faceId));
        }
        var template = FaceIndex.FromBytes(plain);
        CryptographicOperations.ZeroMemory(plain);
        return template;
    }

    private static byte[] Aad(Guid faceId) => [.. AssociatedData, .. faceId.ToByteArray()];

    private async Task<DbConnection> OpenAsync(CancellationToken ct)
    {
        DbConnection connection = Postgres
            ? new NpgsqlConnection(database.ConnectionString)
            : new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = SqliteFile, Pooling = true }.ToString());
        await connection.OpenAsync(ct);
        return connection;
    }

    private static async Task<int> ExecuteAsync(DbConnection connection, string sql, CancellationToken ct, params (string Name, object Value)[] parameters)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            var p = command.CreateParameter();
            (p.ParameterName, p.Value) = (name, value);
            command.Parameters.Add(p);
        }
        return await command.ExecuteNonQueryAsync(ct);
    }
}
