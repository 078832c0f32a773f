namespace Zhifu.Server.Hosting;

/// <summary>
/// Why a service refused a request, in the one shape both its API (problem+json, <see cref="ToResult"/>) and its console page
/// (the message next to <see cref="Field"/>, <see cref="Text"/>) show, so the two never disagree.
/// </summary>
public sealed record Refusal(int Status, string Code, string Zh, string En, string? Field = null)
{
    public IResult ToResult(HttpContext context) => ApiProblem.Create(context, Status, Code, Zh, En, Field);

    public string Text(bool english) => english ? En : Zh;
}
