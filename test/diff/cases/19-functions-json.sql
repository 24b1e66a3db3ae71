CREATE TABLE j (id INTEGER PRIMARY KEY, doc TEXT);
INSERT INTO j (doc) VALUES ('{"a":1,"b":[1,2,{"c":"x"}],"d":null,"e":true,"f":1.5}'), ('[10,20,30]'), ('"str"'), ('not json'), (NULL);
SELECT json('{"a" : 1 , "b":[ 1,2 ]}'), json('[1,2,3]'), json(' "x" '), json('123'), json('1e2'), json('null');
SELECT json_valid('{"a":1}'), json_valid('{a:1}'), json_valid('[1,'), json_valid(NULL), json_valid('{a:1}', 6), json_valid(''), json_valid(123);
SELECT json_extract(doc, '$.a'), json_extract(doc, '$.b[2].c'), json_extract(doc, '$.b'), json_extract(doc, '$.d'), json_extract(doc, '$.e'), json_extract(doc, '$.f') FROM j WHERE id = 1;
SELECT json_extract(doc, '$[1]'), json_extract(doc, '$[#-1]'), json_extract(doc, '$[5]') FROM j WHERE id = 2;
SELECT doc -> '$.b', doc ->> '$.b', doc -> 'a', doc ->> 'a', doc -> '$.b[0]', doc ->> '$.e', doc -> '$.missing' FROM j WHERE id = 1;
SELECT doc -> 1, doc ->> 2, doc ->> -1 FROM j WHERE id = 2;
SELECT json_type(doc), json_type(doc, '$.b'), json_type(doc, '$.d'), json_type(doc, '$.e'), json_type(doc, '$.f'), json_type(doc, '$.a') FROM j WHERE id = 1;
SELECT json_array(1, 'a', NULL, 1.5, json('[1]'), '[1]'), json_object('a', 1, 'b', json('{"c":2}'), 'c', 'txt'), json_array(), json_object();
SELECT json_array_length('[1,2,3]'), json_array_length('{"a":[1,2]}', '$.a'), json_array_length('{}'), json_array_length('[]');
SELECT json_insert('{"a":1}', '$.b', 2, '$.a', 9), json_replace('{"a":1}', '$.a', 9, '$.b', 2), json_set('{"a":1}', '$.a', 9, '$.b', 2), json_remove('[1,2,3]', '$[1]'), json_remove('{"a":1,"b":2}', '$.a');
SELECT json_set('{}', '$.x', json('[1,2]')), json_set('{}', '$.x', '[1,2]'), json_insert('[1,2]', '$[#]', 3), json_patch('{"a":1,"b":2}', '{"b":null,"c":3}');
SELECT json_quote('a"b'), json_quote(1.5), json_quote(NULL), json_quote(json('[1]')), json_pretty('{"a":[1,2]}');
SELECT key, value, type, atom, path FROM json_each('{"a":1,"b":[2,3],"c":{"d":4}}');
SELECT key, value, type, fullkey, path FROM json_tree('{"a":1,"b":[2,3]}');
SELECT j.id, e.value FROM j, json_each(j.doc) e WHERE j.id = 2;
SELECT value FROM json_each('[1,2,3]') WHERE value > 1;
SELECT key, value FROM json_each('{"x":{"y":[5,6]}}', '$.x.y');
SELECT json_group_array(id ORDER BY id), json_group_object(CAST(id AS TEXT), json_type(doc) ORDER BY id DESC) FROM j WHERE json_valid(doc);
SELECT jsonb_array(1, 2) = jsonb('[1,2]'), json(jsonb('{"a":1}')), typeof(jsonb('[1]'));
SELECT json_error_position('{"a":1'), json_error_position('[1,2]');
-- error
SELECT json('not json');
-- error
SELECT json_extract('{"a":1}', 'a');
-- error
SELECT json_object('a');
-- error
SELECT json_extract(doc, '$.a') FROM j WHERE id = 4;
SELECT json_array(x'00');
SELECT json(x'00');
-- JSON subtype of aggregate arguments (json_group_array/json_group_object nest JSON values)
CREATE TABLE jg (a INTEGER, b TEXT);
INSERT INTO jg VALUES (1, 'x'), (3, 'y'), (3, 'y');
SELECT json_group_array(json_object('a', a, 'b', b) ORDER BY a) FROM jg;
SELECT json_group_array(json_array(a) ORDER BY a DESC) FROM jg;
SELECT json_group_object(b, json_array(a) ORDER BY b) FROM jg;
SELECT json_group_array(json_object('a', a) ORDER BY a DESC) FROM jg;
SELECT json_group_array(DISTINCT json_array(a) ORDER BY a) FROM jg;
SELECT json_group_array(json('[1]')), json_group_array('[1]'), json_group_array(json_extract('{"x":[1]}', '$.x')) FROM jg WHERE a = 1;
SELECT b, json_group_array(json_object('a', a)) FROM jg GROUP BY b ORDER BY b;
SELECT json_group_array(a) FILTER (WHERE a > 1), json_group_array(json_array(a)) FILTER (WHERE a > 1) FROM jg;
SELECT (SELECT json_group_array(json_object('a', a)) FROM (SELECT a FROM jg ORDER BY a));
