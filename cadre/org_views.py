"""The organization pages (组织架构): townships, villages and their seats, with the
registry's reserves and vacancies per unit. They live in the registry app because they
show its data; org itself holds the tree and knows nothing of cadres."""

from django.views.generic import TemplateView

from org import selectors

from .selectors import cadre_list, township_overview, township_villages


class OrgOverviewView(TemplateView):
    template_name = "org/overview.html"

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "townships": township_overview(user=self.request.user),
        }


class TownshipDetailView(TemplateView):
    template_name = "org/township_detail.html"

    def get_context_data(self, **kwargs):
        township = selectors.township_get(user=self.request.user, pk=self.kwargs["pk"])
        return {
            **super().get_context_data(**kwargs),
            "township": township,
            "villages": township_villages(township=township),
        }


class VillageDetailView(TemplateView):
    template_name = "org/village_detail.html"

    def get_context_data(self, **kwargs):
        village = selectors.village_get(user=self.request.user, pk=self.kwargs["pk"])
        return {
            **super().get_context_data(**kwargs),
            "village": village,
            "cadres": cadre_list(user=self.request.user).filter(village=village),
        }
