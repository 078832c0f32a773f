using System.Linq.Expressions;

namespace Zhifu.Server.Statements;

/// <summary>
/// The SQL side of <see cref="StatementOrder"/>: a source's rows narrowed to the query's time range and to what lies strictly
/// past its cursor, ordered newest first and cut to the page size. One place for what every source's query must agree on.
/// </summary>
public static class StatementWindow
{
    /// <summary>
    /// <paramref name="rows"/> with <c>From &lt;= at &lt; To</c>, <c>(at, id) &lt; (Before, BeforeId)</c>, ordered by
    /// <paramref name="at"/> then <paramref name="id"/> descending, at most <see cref="StatementQuery.Limit"/>.
    /// </summary>
    public static IQueryable<T> PageOf<T>(
        IQueryable<T> rows, StatementQuery query, Expression<Func<T, DateTimeOffset>> at, Expression<Func<T, Guid>> id)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (query.From is { } from)
        {
            rows = rows.Where(Compare(at, from, Expression.GreaterThanOrEqual));
        }
        if (query.To is { } to)
        {
            rows = rows.Where(Compare(at, to, Expression.LessThan));
        }
        if (query.Before is { } before)
        {
            rows = rows.Where(query.BeforeId is { } beforeId
                ? PastCursor(at, id, before, beforeId)
                : Compare(at, before, Expression.LessThan));
        }
        return rows.OrderByDescending(at).ThenByDescending(id).Take(query.Limit);
    }

    private static Expression<Func<T, bool>> Compare<T>(
        Expression<Func<T, DateTimeOffset>> at, DateTimeOffset value, Func<Expression, Expression, BinaryExpression> op) =>
        Expression.Lambda<Func<T, bool>>(op(at.Body, Parameter(value)), at.Parameters);

    /// <summary><c>at &lt; before || (at == before &amp;&amp; id.CompareTo(beforeId) &lt; 0)</c>, over one row parameter.</summary>
    private static Expression<Func<T, bool>> PastCursor<T>(
        Expression<Func<T, DateTimeOffset>> at, Expression<Func<T, Guid>> id, DateTimeOffset before, Guid beforeId)
    {
        var row = at.Parameters[0];
        var idBody = new Rebind(id.Parameters[0], row).Visit(id.Body);
        var time = Parameter(before);
        var older = Expression.LessThan(at.Body, time);
        var sameTime = Expression.Equal(at.Body, time);
        var smallerId = Expression.LessThan(
            Expression.Call(idBody, typeof(Guid).GetMethod(nameof(Guid.CompareTo), [typeof(Guid)])!, Parameter(beforeId)),
            Expression.Constant(0));
        return Expression.Lambda<Func<T, bool>>(Expression.OrElse(older, Expression.AndAlso(sameTime, smallerId)), row);
    }

    /// <summary>A value as a captured variable, so EF sends it as a SQL parameter (one plan) rather than a literal.</summary>
    private static Expression Parameter<TValue>(TValue value)
    {
        Expression<Func<TValue>> captured = () => value;
        return captured.Body;
    }

    private sealed class Rebind(ParameterExpression from, ParameterExpression to) : ExpressionVisitor
    {
        protected override Expression VisitParameter(ParameterExpression node) => node == from ? to : node;
    }
}
