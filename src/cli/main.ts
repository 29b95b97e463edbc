console.log('catalog-sync: under construction');
