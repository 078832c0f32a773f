using System.Collections.Concurrent;
using System.Globalization;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace Zhifu.Data;

/// <summary>
/// The names and conversions of one entity's table as the EF model has them, for the few hot-path statements written as SQL
/// (a payment's password count and its NOTPAY → PAYING): the table and column names delimited for the context's provider,
/// and each parameter made by its column's type mapping, value converter applied (SQLite keeps a DateTimeOffset as a number,
/// PostgreSQL as timestamptz). A LINQ <c>ExecuteUpdate</c> cannot be compiled, and translating one again on every payment
/// cost more than running it (bench merchant). One per model and entity type: the SQLite and PostgreSQL models differ.
/// </summary>
public sealed class ModelSql
{
    /// <summary>Per model, weakly: a model no context uses any more (a test server's) is not kept alive by this cache.</summary>
    private static readonly ConditionalWeakTable<IModel, ConcurrentDictionary<Type, ModelSql>> Made = new();

    private readonly IEntityType _entity;
    private readonly StoreObjectIdentifier _table;
    private readonly ISqlGenerationHelper _sql;
    private readonly ConcurrentDictionary<object, string> _statements = new();

    private ModelSql(IEntityType entity, ISqlGenerationHelper sql)
    {
        _entity = entity;
        _table = StoreObjectIdentifier.Table(entity.GetTableName()!, entity.GetSchema());
        _sql = sql;
        Table = sql.DelimitIdentifier(_table.Name, _table.Schema);
    }

    /// <summary>The table of <typeparamref name="TRow"/> in <paramref name="db"/>'s model.</summary>
    public static ModelSql Of<TRow>(DbContext db) where TRow : class
    {
        ArgumentNullException.ThrowIfNull(db);
        return Made.GetValue(db.Model, static _ => new()).GetOrAdd(typeof(TRow), static (type, db) => new ModelSql(
            db.Model.FindEntityType(type) ?? throw new InvalidOperationException($"{type.Name} is not in the model"),
            db.GetService<ISqlGenerationHelper>()), db);
    }

    /// <summary>The table's name, delimited.</summary>
    public string Table { get; }

    /// <summary>The column of property <paramref name="property"/>, delimited.</summary>
    public string Column(string property) => _sql.DelimitIdentifier(Property(property).GetColumnName(_table)!);

    /// <summary>A statement on this table written once per <paramref name="key"/> (kept with the model).</summary>
    public string Statement<TKey>(TKey key, Func<TKey, ModelSql, string> write) where TKey : notnull =>
        _statements.GetOrAdd(key, static (k, state) => state.write((TKey)k, state.table), (write, table: this));

    /// <summary>
    /// A statement's parameters in the order of its placeholders: the i-th is named <c>p{i}</c> (what <c>{i}</c> becomes), made
    /// by its column's type mapping from its value.
    /// </summary>
    public static object[] Parameters(DbContext db, params ReadOnlySpan<(ModelSql Table, string Property, object? Value)> values)
    {
        ArgumentNullException.ThrowIfNull(db);
        using var factory = db.Database.GetDbConnection().CreateCommand(); // makes parameters of the provider's type
        var parameters = new object[values.Length];
        for (var i = 0; i < values.Length; i++)
        {
            var (table, property, value) = values[i];
            parameters[i] = table.Property(property).GetRelationalTypeMapping()
                .CreateParameter(factory, string.Create(CultureInfo.InvariantCulture, $"p{i}"), value);
        }
        return parameters;
    }

    private IProperty Property(string name) =>
        _entity.FindProperty(name) ?? throw new InvalidOperationException($"{_entity.DisplayName()} has no property {name}");
}
