from django.conf import settings
from django.shortcuts import render
from rest_framework import viewsets

from .models import Product
from .serializers import ProductSerializer


def storefront(request):
    visits = settings.REDIS.incr('storefront:visits')
    return render(request, 'products/storefront.html', {
        'products': Product.objects.all()[:20],
        'visits': visits,
    })


class ProductViewSet(viewsets.ModelViewSet):
    queryset = Product.objects.all()
    serializer_class = ProductSerializer
