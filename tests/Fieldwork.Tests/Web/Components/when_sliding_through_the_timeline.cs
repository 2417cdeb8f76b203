using Bunit;
using Fieldwork.Web.Api;
using TimelineView = Fieldwork.Web.Components.Shared.Timeline;

namespace Fieldwork.Tests.Web.Components;

public sealed class when_sliding_through_the_timeline : BunitContext
{
    [Fact]
    public void the_waves_are_bands_and_the_slider_moves_the_date_by_days_from_the_start()
    {
        var evaluation = new Evaluation(Guid.NewGuid(), "GDE", new DateOnly(2016, 9, 1), new DateOnly(2021, 9, 30), null,
            [new Wave(Guid.NewGuid(), "Wave 1", new DateOnly(2018, 1, 1), new DateOnly(2018, 12, 31)),
             new Wave(Guid.NewGuid(), "Wave 2", new DateOnly(2019, 1, 1), new DateOnly(2019, 12, 31))], "lead", 1);
        DateOnly? moved = null;
        var timeline = Render<TimelineView>(p => p
            .Add(x => x.Evaluation, evaluation)
            .Add(x => x.AsOf, new DateOnly(2018, 6, 30))
            .Add(x => x.OnChange, (DateOnly d) => moved = d));

        Assert.Equal(2, timeline.FindAll("[data-testid=wave-band]").Count);
        var slider = timeline.Find("[data-testid=as-of-slider]");
        Assert.Equal((new DateOnly(2021, 9, 30).DayNumber - new DateOnly(2016, 9, 1).DayNumber).ToString(), slider.GetAttribute("max"));
        Assert.Equal((new DateOnly(2018, 6, 30).DayNumber - new DateOnly(2016, 9, 1).DayNumber).ToString(), slider.GetAttribute("value"));
        Assert.Equal("2018-06-30", slider.GetAttribute("aria-valuetext"));

        slider.Change("365");
        Assert.Equal(new DateOnly(2017, 9, 1), moved);
    }
}
