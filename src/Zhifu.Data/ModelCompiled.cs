using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore.Metadata;

namespace Zhifu.Data;

/// <summary>
/// An EF Core compiled query (<c>EF.CompileAsyncQuery</c>) for contexts of either provider. EF binds a compiled query to the
/// model it first runs with and refuses any other ("compiled queries can only be used with a single model"), and the SQLite
/// and PostgreSQL contexts have models of their own — one process may use both (the benchmark, a test run) — so this compiles
/// the query once per model and hands each context the one of its model.
/// </summary>
/// <typeparam name="TQuery">The compiled query's delegate type.</typeparam>
public sealed class ModelCompiled<TQuery>(Func<TQuery> compile) where TQuery : class
{
    private readonly ConditionalWeakTable<IModel, TQuery> _byModel = new();

    /// <summary>The query compiled for <paramref name="db"/>'s model.</summary>
    public TQuery For(ZhifuDb db)
    {
        ArgumentNullException.ThrowIfNull(db);
        var model = db.Model;
        return _byModel.TryGetValue(model, out var query) ? query : _byModel.GetValue(model, _ => compile());
    }
}
