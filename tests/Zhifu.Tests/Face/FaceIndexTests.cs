using Zhifu.Server.Face;

namespace Zhifu.Tests.Face;

/// <summary>FACE-4's 1:N search on its own: the enrolled person found, a withdrawn one gone (FACE-1), a lookalike's margin.</summary>
public sealed class FaceIndexTests
{
    [Fact]
    public void Finds_the_enrolled_person_forgets_a_withdrawn_one_and_tells_a_lookalike_by_a_small_margin()
    {
        var random = new Random(7);
        var index = new FaceIndex();
        Assert.Null(index.Search(FaceVectors.Unit(random)).Id); // nothing enrolled
        var people = Enumerable.Range(0, 5_000).Select(_ => (Id: Guid.NewGuid(), Template: FaceVectors.Unit(random))).ToList();
        foreach (var (id, template) in people)
        {
            index.Add(id, template);
        }
        Assert.Equal(5_000, index.Count);

        var (alice, aliceTemplate) = people[1234];
        var match = index.Search(FaceVectors.Toward(aliceTemplate, FaceVectors.Unit(random), 0.7f));
        Assert.Equal(alice, match.Id);
        Assert.InRange(match.Similarity, 0.6f, 0.8f); // int8 re-ranking keeps the cosine within a few hundredths
        Assert.True(match.Margin > 0.4f, $"margin {match.Margin}");

        // a lookalike: a second person enrolled close to Alice; a probe between them has almost no margin
        var twin = Guid.NewGuid();
        index.Add(twin, FaceVectors.Toward(aliceTemplate, FaceVectors.Unit(random), 0.9f));
        var between = index.Search(FaceVectors.Toward(aliceTemplate, FaceVectors.Unit(random), 0.8f));
        Assert.Contains(between.Id, new Guid?[] { alice, twin });
        Assert.True(between.Margin < 0.15f, $"margin {between.Margin}");

        // withdrawn (FACE-1): gone at once, and the slot it leaves never answers for anyone
        Assert.True(index.Remove(alice));
        Assert.False(index.Remove(alice));
        var after = index.Search(aliceTemplate);
        Assert.NotEqual(alice, after.Id);
        Assert.Equal(twin, after.Id);
        index.Remove(twin);
        Assert.True(index.Search(aliceTemplate).Similarity < 0.3f); // nobody like her is left
        Assert.Throws<ArgumentException>(() => index.Search(new float[128]));
    }
}
