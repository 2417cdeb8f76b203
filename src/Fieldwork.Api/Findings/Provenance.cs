using Fieldwork.Coding;
using Fieldwork.Evaluations;
using Fieldwork.Evidence;
using Fieldwork.Findings;
using Fieldwork.Pairings;
using Fieldwork.Participants;
using Fieldwork.Sites;

namespace Fieldwork.Api.Findings;

/// <summary>A link of the chain that no longer holds as it did: a coding deleted, a code retired or merged, a text superseded, a participant withdrawn.</summary>
public sealed record ProvenanceFlag(string Kind, string Detail);

public sealed record FindingProvenance(Guid Id, string Statement, FindingStatus Status, int Version, IReadOnlyList<Guid> SiteIds,
    IReadOnlyList<Guid> PairingIds, IReadOnlyList<Guid> WaveIds, IReadOnlyList<FindingVersion> Versions);

/// <summary>A code as it stood when the coding was made, and what has become of it since.</summary>
public sealed record CodeAtCoding(Guid Id, string Name, string Definition, string? Dimension, int Version, CodeStatus StatusNow,
    Guid? MergedIntoNow);

/// <summary>
/// The text version a coding was made on: <c>sha256</c> of an unsealed text, or <c>hmacSha256</c>
/// of a sealed one (under the transcript's own key, so it dies with it).
/// </summary>
public sealed record TextProvenance(int Version, int Length, string? Sha256, DateTimeOffset AddedAt, string? AddedBy, int LatestVersion,
    bool Superseded, string? HmacSha256);

public sealed record CorrectionProvenance(DateTimeOffset RecordedAt, string? By, IReadOnlyList<string> Fields);

public sealed record SiteRef(Guid Id, string Code);

public sealed record PairingRef(Guid Id, Guid ExemplarSiteId, Guid FollowerSiteId);

public sealed record WaveRef(Guid Id, string Name);

/// <summary>A participant of the evidence: pseudonym only, the consent in force on the field date, and whether they have withdrawn since.</summary>
public sealed record ParticipantProvenance(Guid Id, string Pseudonym, ConsentScope? ConsentOnFieldDate, bool QuoteConsented, bool WithdrawnNow);

public sealed record EvidenceProvenance(Guid Id, EvidenceKind Kind, DateOnly On, string? LoggedBy, DateTimeOffset LoggedAt,
    IReadOnlyList<CorrectionProvenance> Corrections, IReadOnlyList<SiteRef> Sites, PairingRef? Pairing, WaveRef? Wave,
    IReadOnlyList<ParticipantProvenance> Participants);

public sealed record CodingProvenance(Guid Id, string CoderId, DateTimeOffset CodedAt, int Start, int End, string? Quote, bool QuoteErased,
    string? Note, bool Removed, DateTimeOffset? RemovedAt, string? RemovedBy, CodeAtCoding Code, TextProvenance Text, EvidenceProvenance Evidence);

public sealed record MemoProvenance(Guid Id, string AuthorId, MemoAbout AboutKind, Guid AboutId, string Text, int Version, DateTimeOffset WrittenAt,
    DateTimeOffset RevisedAt);

/// <summary>One linked item with everything under it; <c>flags</c> name what no longer holds.</summary>
public sealed record LinkProvenance(Guid ItemId, FindingItemKind Kind, Stance Stance, DateTimeOffset LinkedAt, string? LinkedBy,
    CodingProvenance? Coding, MemoProvenance? Memo, IReadOnlyList<ProvenanceFlag> Flags);

/// <summary>The whole chain behind a finding, as a tree.</summary>
public sealed record ProvenanceView(FindingProvenance Finding, IReadOnlyList<LinkProvenance> Evidence, int FlagCount);

/// <summary>Reads everything a finding rests on, in a handful of batched round trips, and assembles the tree.</summary>
public static class ProvenanceReader
{
    public static async Task<ProvenanceView> ReadAsync(IQuerySession session, Fieldwork.Secrets.KeyRing keyRing, Evaluation evaluation,
        FindingState finding, CancellationToken cancellation)
    {
        var codingIds = finding.Evidence.Where(l => l.Kind == FindingItemKind.Coding).Select(l => l.ItemId).ToList();
        var memoIds = finding.Evidence.Where(l => l.Kind == FindingItemKind.Memo).Select(l => l.ItemId).ToList();

        var first = session.CreateBatchQuery();
        var locatorsLoad = first.QueryByPlan(new CodingLocations(codingIds));
        var memosLoad = first.LoadMany<MemoTimeline>().ById([.. memoIds]);
        var codebookLoad = first.Load<Codebook>(Codebook.StreamId(evaluation.Id));
        await first.Execute(cancellation);
        var locators = (await locatorsLoad).Values.Where(l => l.EvaluationId == evaluation.Id).ToDictionary(l => l.Id);
        var memos = (await memosLoad).Where(m => m.EvaluationId == evaluation.Id).ToDictionary(m => m.Id);
        var codebook = await codebookLoad;
        var codesNow = codebook?.AsOf() ?? new Dictionary<Guid, CodeState>();

        var evidenceIds = locators.Values.Select(l => l.EvidenceId).Distinct().ToArray();
        var events = evidenceIds.Length == 0
            ? []
            : await session.Events.QueryAllRawEvents().Where(e => e.StreamId.IsOneOf(evidenceIds)).OrderBy(e => e.Sequence).ToListAsync(cancellation);
        var byStream = events.GroupBy(e => e.StreamId).ToDictionary(g => g.Key, g => g.ToList());
        var timelines = byStream.ToDictionary(x => x.Key, x => Fieldwork.Timeline.Timelines.Fold<EvidenceTimeline>(x.Value));

        var participantIds = timelines.Values.SelectMany(t => t.Current.ParticipantIds).Distinct().ToArray();
        var siteIds = timelines.Values.SelectMany(t => t.Current.SiteIds).Distinct().ToArray();
        var pairingIds = timelines.Values.Select(t => t.Current.PairingId).OfType<Guid>().Distinct().ToArray();
        var second = session.CreateBatchQuery();
        var participantsLoad = second.LoadMany<ParticipantTimeline>().ById(participantIds);
        var sitesLoad = second.LoadMany<SiteTimeline>().ById(siteIds);
        var pairingsLoad = second.LoadMany<PairingTimeline>().ById(pairingIds);
        var keysLoad = second.LoadMany<TextKey>().ById(evidenceIds);
        await second.Execute(cancellation);
        var participants = (await participantsLoad).ToDictionary(p => p.Id);
        var sites = (await sitesLoad).ToDictionary(s => s.Id);
        var pairings = (await pairingsLoad).ToDictionary(p => p.Id);
        var keys = (await keysLoad).ToDictionary(k => k.Id);

        var texts = events.Where(e => e.Data is TextVersionAdded).ToDictionary(e => (e.StreamId, ((TextVersionAdded)e.Data).Version));
        var quotes = Fieldwork.Api.Coding.Quotes.Of(texts.Select(t =>
        {
            var added = (TextVersionAdded)t.Value.Data;
            var text = added.Sealed is { } sealedText ? TextVault.Open(keyRing.Open(keys.GetValueOrDefault(t.Key.StreamId)), added.Version, sealedText) : added.Text;
            return (t.Key.StreamId, added.Version, text);
        }));

        EvidenceProvenance Evidence(EvidenceTimeline item)
        {
            var d = item.Current;
            var stream = byStream[item.Id];
            var corrections = stream.Where(e => e.Data is EvidenceCorrected)
                .Select(e => new CorrectionProvenance(e.Timestamp, e.UserName, CorrectedFields((EvidenceCorrected)e.Data)))
                .ToList();
            var people = d.ParticipantIds.Select(id =>
            {
                if (!participants.TryGetValue(id, out var p))
                {
                    return new ParticipantProvenance(id, "(unknown)", null, false, false);
                }

                var consent = p.ConsentOn(d.On);
                return new ParticipantProvenance(id, p.Pseudonym, consent, consent?.Quote == true, p.ConsentOn(DateOnly.MaxValue)?.TakePart == false);
            }).ToList();
            var wave = d.WaveId is { } w && evaluation.Waves.FirstOrDefault(x => x.Id == w) is { } found ? new WaveRef(found.Id, found.Name) : null;
            var pairing = d.PairingId is { } pid && pairings.TryGetValue(pid, out var pt) ? new PairingRef(pid, pt.ExemplarSiteId, pt.FollowerSiteId) : null;
            return new EvidenceProvenance(item.Id, item.Kind, d.On, item.LoggedBy, item.LoggedAt, corrections,
                [.. d.SiteIds.Select(id => new SiteRef(id, sites.TryGetValue(id, out var s) ? s.Code : "(unknown)"))], pairing, wave, people);
        }

        var links = new List<LinkProvenance>();
        foreach (var link in finding.Evidence)
        {
            var flags = new List<ProvenanceFlag>();
            CodingProvenance? coding = null;
            MemoProvenance? memo = null;
            if (link.Kind == FindingItemKind.Coding)
            {
                if (locators.TryGetValue(link.ItemId, out var locator) && timelines.TryGetValue(locator.EvidenceId, out var item)
                    && item.Codings.FirstOrDefault(c => c.Id == link.ItemId) is { } record)
                {
                    coding = Coding(record, item);
                    Flag(flags, coding, record);
                }
                else
                {
                    flags.Add(new ProvenanceFlag("codingMissing", "The linked coding cannot be found in this evaluation."));
                }
            }
            else if (memos.TryGetValue(link.ItemId, out var m) && m.AsOf(Fieldwork.Timeline.Cut.Now(DateOnly.MaxValue)) is { } state)
            {
                memo = new MemoProvenance(state.Id, state.AuthorId, state.AboutKind, state.AboutId, state.Text, state.Version, state.WrittenAt, state.RevisedAt);
            }
            else
            {
                flags.Add(new ProvenanceFlag("memoMissing", "The linked memo cannot be found in this evaluation."));
            }

            links.Add(new LinkProvenance(link.ItemId, link.Kind, link.Stance, link.LinkedAt, link.LinkedBy, coding, memo, flags));
        }

        CodingProvenance Coding(CodingRecord record, EvidenceTimeline item)
        {
            var then = codebook?.AsOf(record.AppliedSequence) ?? new Dictionary<Guid, CodeState>();
            var code = then.GetValueOrDefault(record.CodeId);
            var now = codesNow.GetValueOrDefault(record.CodeId);
            var codeView = new CodeAtCoding(record.CodeId, code?.Name ?? "(unknown)", code?.Definition ?? "", code?.Dimension, code?.Version ?? 0,
                now?.Status ?? CodeStatus.Active, now?.MergedInto);
            var text = texts.TryGetValue((item.Id, record.TextVersion), out var added) ? (TextVersionAdded)added.Data : null;
            var latest = item.Texts.Count == 0 ? 0 : item.Texts[^1].Version;
            var textView = new TextProvenance(record.TextVersion, text?.Length ?? 0, text?.Sha256, added?.Timestamp ?? default, added?.UserName,
                latest, record.TextVersion < latest, text?.HmacSha256);
            var quote = quotes.Of(item.Id, record.TextVersion, record.Start, record.End);
            return new CodingProvenance(record.Id, record.CoderId, record.AppliedAt, record.Start, record.End, quote, quote is null, record.Note,
                record.RemovedSequence is not null, record.RemovedAt, record.RemovedBy, codeView, textView, Evidence(item));
        }

        void Flag(List<ProvenanceFlag> flags, CodingProvenance coding, CodingRecord record)
        {
            if (coding.Removed)
            {
                flags.Add(new ProvenanceFlag("codingRemoved", $"The coding was removed on {coding.RemovedAt:yyyy-MM-dd} by {coding.RemovedBy}."));
            }

            if (coding.Code.StatusNow == CodeStatus.Retired)
            {
                flags.Add(new ProvenanceFlag("codeRetired", $"Code '{coding.Code.Name}' has been retired."));
            }

            if (coding.Code.StatusNow == CodeStatus.Merged)
            {
                var into = coding.Code.MergedIntoNow is { } target && codesNow.TryGetValue(target, out var t) ? t.Name : "another code";
                flags.Add(new ProvenanceFlag("codeMerged", $"Code '{coding.Code.Name}' has been merged into '{into}'."));
            }

            if (coding.QuoteErased)
            {
                flags.Add(new ProvenanceFlag("quoteErased", "The quoted text has been erased (a participant withdrew with erasure)."));
            }

            if (coding.Text.Superseded)
            {
                flags.Add(new ProvenanceFlag("textSuperseded",
                    $"The coding points into text version {record.TextVersion}; the latest is version {coding.Text.LatestVersion}."));
            }

            foreach (var p in coding.Evidence.Participants.Where(p => p.WithdrawnNow))
            {
                flags.Add(new ProvenanceFlag("participantWithdrew", $"{p.Pseudonym} has since withdrawn."));
            }
        }

        var view = new FindingProvenance(finding.Id, finding.Statement, finding.Status, finding.Version, finding.SiteIds, finding.PairingIds,
            finding.WaveIds, finding.History);
        return new ProvenanceView(view, links, links.Sum(l => l.Flags.Count));
    }

    private static IReadOnlyList<string> CorrectedFields(EvidenceCorrected c)
    {
        var fields = new List<string>();
        void Add(object? value, string name)
        {
            if (value is not null)
            {
                fields.Add(name);
            }
        }

        Add(c.OccurredOn, "occurredOn");
        Add(c.WaveId, "waveId");
        Add(c.SiteIds, "siteIds");
        Add(c.PairingId, "pairingId");
        Add(c.ParticipantIds, "participantIds");
        Add(c.Format, "format");
        Add(c.Mode, "mode");
        Add(c.Setting, "setting");
        Add(c.DurationMinutes, "durationMinutes");
        Add(c.IssuedOn, "issuedOn");
        Add(c.Title, "title");
        Add(c.Issuer, "issuer");
        Add(c.DocumentType, "documentType");
        Add(c.SourceRef, "sourceRef");
        return fields;
    }
}
